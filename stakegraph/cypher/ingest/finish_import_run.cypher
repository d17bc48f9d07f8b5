// Close an import run with its outcome: status, finished_epoch and the row and write counts
// (rows_read, rows_loaded, rows_rejected, interactions_created, nodes_created,
// relationships_created).
// params: $id, $outcome
MATCH (r:ImportRun {id: $id})
SET r += $outcome, r.finished_at = datetime({epochSeconds: $outcome.finished_epoch})
