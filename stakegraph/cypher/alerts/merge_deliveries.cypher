// One delivery per alert, channel and recipient, created pending the first time it is
// due; a delivery already recorded (pending, sent or failed) is left as it is, so
// recording the same alerts again changes nothing.
// params: $rows
UNWIND $rows AS row
MERGE (d:AlertDelivery {id: row.id})
ON CREATE SET d.event_key = row.event_key, d.channel = row.channel,
    d.recipient = row.recipient, d.account_id = row.account_id, d.kind = row.kind,
    d.title = row.title, d.payload = row.payload, d.status = 'pending', d.attempts = 0,
    d.created_at = row.created_at
