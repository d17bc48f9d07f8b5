// Every snapshot of an account, oldest window first, as property maps (numbers only).
// The window's datetimes are left out (null): epoch seconds ship faster in bulk.
// params: $account_id
MATCH (:Account {id: $account_id})-[:HAS_SNAPSHOT]->(s:Snapshot)
RETURN s {.*, window_start_at: null, window_end_at: null} AS snapshot
ORDER BY s.window_end
