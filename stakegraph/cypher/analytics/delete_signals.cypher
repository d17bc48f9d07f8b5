// Remove the signals of these accounts that this run does not raise again; the others
// are replaced in place by create_signals (see delete_snapshots for why not all).
// params: $account_ids, $ids
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
WHERE a.id IN $account_ids AND NOT s.id IN $ids
DETACH DELETE s
