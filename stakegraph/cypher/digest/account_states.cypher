// The accounts a digest reviews (every account when $account_ids is null), with their
// latest assessment: owner (and their name), ARR, risk score and tier, renewal and
// analysis dates.
// params: $account_ids
MATCH (a:Account)
WHERE $account_ids IS NULL OR a.id IN $account_ids
OPTIONAL MATCH (o:Person {id: a.owner_id})
RETURN a.id AS account_id, a.name AS name, a.owner_id AS owner_id, o.name AS owner_name,
       a.arr AS arr,
       a.risk_score AS risk_score, a.risk_tier AS tier, a.risk_tier_label AS tier_label,
       a.renewal_epoch AS renewal_at, a.analyzed_at AS analyzed_at
ORDER BY account_id
