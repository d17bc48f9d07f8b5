// An import run, keyed by the content hash of its files: re-importing them reuses it.
// params: $id, $source, $started_epoch
MERGE (r:ImportRun {id: $id})
ON CREATE SET r.first_started_at = datetime({epochSeconds: $started_epoch})
SET r.source = $source, r.status = 'running',
    r.started_at = datetime({epochSeconds: $started_epoch}), r.finished_at = null
