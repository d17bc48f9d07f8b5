// The accounts a report covers ($account_ids null: every account), with the owner's name
// and the latest assessment.
// params: $account_ids
MATCH (a:Account)
WHERE $account_ids IS NULL OR a.id IN $account_ids
OPTIONAL MATCH (owner:Person {id: a.owner_id})
RETURN a.id AS id, a.name AS name, a.segment AS segment, a.arr AS arr,
       a.renewal_epoch AS renewal_epoch, a.owner_id AS owner_id, owner.name AS owner_name,
       a.risk_score AS risk_score, a.risk_tier AS risk_tier,
       a.risk_tier_label AS risk_tier_label, a.risk_factors AS risk_factors,
       a.analyzed_at AS analyzed_at
ORDER BY id
