// Every past renewal and its outcome.
// params: none
MATCH (a:Account)-[:HAD_RENEWAL]->(r:Renewal)
RETURN a.id AS account_id, r.date_epoch AS renewal_date, r.outcome AS outcome
ORDER BY account_id, renewal_date
