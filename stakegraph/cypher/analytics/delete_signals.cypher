// Remove the signals of these accounts (an analysis run replaces them).
// params: $account_ids
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
WHERE a.id IN $account_ids
DETACH DELETE s
