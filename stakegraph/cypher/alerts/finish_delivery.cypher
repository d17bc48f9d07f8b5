// What one delivery's attempts of this run came to: sent, failed with the last error, or
// given up (failed on as many runs as the sender allows: no run tries it again). Attempts
// and failed runs add up over runs.
// params: $rows
UNWIND $rows AS row
MATCH (d:AlertDelivery {id: row.id})
SET d.status = row.status, d.attempts = d.attempts + row.attempts,
    d.failed_runs = row.failed_runs, d.last_attempt_at = row.at, d.error = row.error,
    d.sent_at = CASE WHEN row.status = 'sent' THEN row.at ELSE d.sent_at END
