// Every ticket with a category before $until (epoch seconds), for the ticket-mix signals.
// params: $until
MATCH (i:Interaction {kind: 'ticket'})
WHERE i.at_epoch < $until AND i.category IS NOT NULL
RETURN i.account_id AS account_id, i.at_epoch AS at, i.category AS category
