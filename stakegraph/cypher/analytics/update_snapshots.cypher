// Every snapshot's window and metrics (created by create_snapshots if it was new);
// `metrics` names every metric, null where it is not a finite number, which removes a
// value an earlier run stored.
// params: $rows
UNWIND $rows AS row
MATCH (s:Snapshot {id: row.id})
SET s.account_id = row.account_id, s.window_start = row.window_start,
    s.window_end = row.window_end, s += row.metrics
