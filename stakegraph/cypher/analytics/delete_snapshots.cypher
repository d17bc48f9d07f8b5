// Remove the snapshots of these accounts that this run does not write again (windows
// ending elsewhere); the others are replaced in place by create_snapshots. Deleting and
// re-creating the same id in one transaction is what ArcadeDB's unique index gets wrong
// in large transactions (the deleted key still blocks it: docs/architecture.md).
// params: $account_ids, $window_ends
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE a.id IN $account_ids AND NOT s.window_end IN $window_ends
DETACH DELETE s
