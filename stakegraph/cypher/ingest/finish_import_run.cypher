// Close an import run with its outcome and counts.
// params: $id, $status, $finished_epoch, $rows_read, $rows_loaded, $rows_rejected, $interactions_created, $nodes_created, $relationships_created
MATCH (r:ImportRun {id: $id})
SET r.status = $status, r.finished_at = datetime({epochSeconds: $finished_epoch}),
    r.rows_read = $rows_read, r.rows_loaded = $rows_loaded, r.rows_rejected = $rows_rejected,
    r.interactions_created = $interactions_created, r.nodes_created = $nodes_created,
    r.relationships_created = $relationships_created
