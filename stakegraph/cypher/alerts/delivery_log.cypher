// The record of alert deliveries, newest first: what was sent (or not yet) to whom.
// params: $top
MATCH (d:AlertDelivery)
RETURN d.id AS id, d.event_key AS event_key, d.account_id AS account_id, d.kind AS kind,
       d.title AS title, d.channel AS channel, d.recipient AS recipient, d.status AS status,
       d.attempts AS attempts, coalesce(d.failed_runs, 0) AS failed_runs,
       d.created_at AS created_at, d.last_attempt_at AS last_attempt_at,
       d.sent_at AS sent_at, d.error AS error
ORDER BY coalesce(d.last_attempt_at, d.created_at) DESC, d.id
LIMIT $top
