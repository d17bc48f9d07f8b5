// Remove the snapshots of these accounts (an analysis run replaces them).
// params: $account_ids
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE a.id IN $account_ids
DETACH DELETE s
