// Every ticket with a category before $until (epoch seconds), for the ticket-mix signals:
// one row per account, field by field as read_interactions (a list per field of
// TICKET_FRAME_COLUMNS after account_id).
// params: $until
MATCH (i:Interaction {kind: 'ticket'})
WHERE i.at_epoch < $until AND i.category IS NOT NULL
RETURN i.account_id AS account_id, collect(i.at_epoch) AS at, collect(i.category) AS category
