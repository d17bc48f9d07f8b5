// Deliveries not sent yet (pending, or failed on an earlier run) to these channel and
// recipient pairs ("<channel> <recipient>"), oldest first.
// params: $ids
MATCH (d:AlertDelivery)
WHERE d.status IN ['pending', 'failed'] AND d.channel + ' ' + d.recipient IN $ids
RETURN d.id AS id, d.event_key AS event_key, d.channel AS channel, d.recipient AS recipient,
       d.payload AS payload, d.attempts AS attempts
ORDER BY d.created_at, d.id
