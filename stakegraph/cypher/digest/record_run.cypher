// Record one digest run: its scope, sequence number, when it ran, the analysis it reported
// on, what it compared against, how many items it listed and every account's state (JSON).
// params: $rows
UNWIND $rows AS row
MERGE (r:DigestRun {id: row.id})
SET r.scope = row.scope, r.seq = row.seq, r.ran_at = row.ran_at,
    r.analyzed_at = row.analyzed_at, r.baseline = row.baseline, r.items = row.items,
    r.state = row.state
