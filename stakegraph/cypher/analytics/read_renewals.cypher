// Renewal history with outcomes.
// params: none
MATCH (a:Account)-[:HAD_RENEWAL]->(r:Renewal)
RETURN a.id AS account_id, r.date_epoch AS at, r.outcome AS outcome
