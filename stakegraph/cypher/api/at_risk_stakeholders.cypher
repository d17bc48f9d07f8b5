// Accounts at tier >= $min_tier and their people whose role there at $at has a level in $levels.
// params: $min_tier, $levels, $at
MATCH (a:Account)
WHERE a.risk_tier >= $min_tier
MATCH (p:Person)-[r:HOLDS_ROLE]->(a)
WHERE r.level IN $levels AND r.start_epoch <= $at AND (r.end_epoch IS NULL OR r.end_epoch > $at)
RETURN a.id AS account_id, a.name AS account_name, a.risk_score AS risk_score,
       a.risk_tier AS risk_tier, p.id AS person_id, p.name AS name, r.title AS title,
       r.level AS level, r.function AS function
ORDER BY account_id, person_id
