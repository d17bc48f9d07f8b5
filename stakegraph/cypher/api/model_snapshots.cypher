// Every snapshot of every account, oldest window first per account, as property maps.
// params: none
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
RETURN a.id AS account_id, properties(s) AS snapshot
ORDER BY account_id, s.window_end
