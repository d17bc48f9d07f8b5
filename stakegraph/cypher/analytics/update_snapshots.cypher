// Every snapshot's window and metrics (created by create_snapshots if it was new);
// `metrics` names every metric, null where it is not a finite number, which removes a
// value an earlier run stored. The window is kept twice: epoch seconds (`window_start`,
// `window_end`: bulk reads and arithmetic) and datetimes (`window_start_at`, `window_end_at`)
// for people writing Cypher.
// params: $rows
UNWIND $rows AS row
MATCH (s:Snapshot {id: row.id})
SET s.account_id = row.account_id, s.window_start = row.window_start,
    s.window_end = row.window_end, s.window_start_at = datetime({epochSeconds: row.window_start}),
    s.window_end_at = datetime({epochSeconds: row.window_end}), s += row.metrics
