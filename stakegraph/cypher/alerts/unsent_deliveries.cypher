// Deliveries not sent yet (pending, or failed on an earlier run; not those given up) to
// these channel and recipient pairs ("<channel> <recipient>"), oldest first, with the runs
// each has failed on (none recorded before the count was kept: 0).
// params: $ids
MATCH (d:AlertDelivery)
WHERE d.status IN ['pending', 'failed'] AND d.channel + ' ' + d.recipient IN $ids
RETURN d.id AS id, d.event_key AS event_key, d.channel AS channel, d.recipient AS recipient,
       d.payload AS payload, d.attempts AS attempts, coalesce(d.failed_runs, 0) AS failed_runs
ORDER BY d.created_at, d.id
