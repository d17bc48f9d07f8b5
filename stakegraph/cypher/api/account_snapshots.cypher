// Every snapshot of an account, oldest window first, as property maps (numbers only).
// params: $account_id
MATCH (:Account {id: $account_id})-[:HAS_SNAPSHOT]->(s:Snapshot)
RETURN properties(s) AS snapshot
ORDER BY s.window_end
