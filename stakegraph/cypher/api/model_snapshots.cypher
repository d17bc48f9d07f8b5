// Every snapshot of every account, oldest window first per account, as property maps.
// The window's datetimes are left out (null): epoch seconds ship faster in bulk.
// params: none
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
RETURN a.id AS account_id, s {.*, window_start_at: null, window_end_at: null} AS snapshot
ORDER BY account_id, s.window_end
