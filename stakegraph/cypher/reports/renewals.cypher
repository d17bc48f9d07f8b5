// Renewal history of the accounts with outcomes, oldest first.
// params: $account_ids
MATCH (a:Account)-[:HAD_RENEWAL]->(r:Renewal)
WHERE a.id IN $account_ids
RETURN a.id AS account_id, r.date_epoch AS at, r.outcome AS outcome
ORDER BY account_id, at
