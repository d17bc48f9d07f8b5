// Every ticket with a category before $until (epoch seconds), for the ticket-mix signals:
// one row per account, each ticket a list [at, category] (the order of
// TICKET_FRAME_COLUMNS after account_id).
// params: $until
MATCH (i:Interaction {kind: 'ticket'})
WHERE i.at_epoch < $until AND i.category IS NOT NULL
RETURN i.account_id AS account_id, collect([i.at_epoch, i.category]) AS tickets
