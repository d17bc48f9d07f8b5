// One Snapshot per account per window; metrics is a map of numbers.
// params: $rows
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
CREATE (a)-[:HAS_SNAPSHOT]->(s:Snapshot {id: row.id, account_id: row.account_id,
  window_start: row.window_start, window_end: row.window_end})
SET s += row.metrics
