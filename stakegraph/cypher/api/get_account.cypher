// One account with its latest assessment, risk factors and open signal kinds.
// params: $account_id, $open_window_s
MATCH (a:Account {id: $account_id})
OPTIONAL MATCH (a)-[:HAS_SIGNAL]->(s:Signal)
WHERE s.at_epoch >= a.analyzed_at - $open_window_s AND s.at_epoch <= a.analyzed_at
WITH a, collect(s.kind) AS open_kinds
RETURN a.id AS id, a.name AS name, a.segment AS segment, a.arr AS arr,
       a.renewal_epoch AS renewal_epoch, a.owner_id AS owner_id,
       a.risk_score AS risk_score, a.risk_tier AS risk_tier,
       a.risk_tier_label AS risk_tier_label, a.analyzed_at AS analyzed_at,
       a.risk_factors AS risk_factors, open_kinds
