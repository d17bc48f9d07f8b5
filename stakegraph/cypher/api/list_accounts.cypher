// Accounts with their latest assessment and the kinds of their open signals (raised within
// $open_window_s seconds before the account's analysis date); null filters match everything.
// params: $segment, $tier, $owner_id, $open_window_s
MATCH (a:Account)
WHERE ($segment IS NULL OR a.segment = $segment)
  AND ($tier IS NULL OR a.risk_tier = $tier)
  AND ($owner_id IS NULL OR a.owner_id = $owner_id)
OPTIONAL MATCH (a)-[:HAS_SIGNAL]->(s:Signal)
WHERE s.at_epoch >= a.analyzed_at - $open_window_s AND s.at_epoch <= a.analyzed_at
WITH a, collect(s.kind) AS open_kinds
RETURN a.id AS id, a.name AS name, a.segment AS segment, a.arr AS arr,
       a.renewal_epoch AS renewal_epoch, a.owner_id AS owner_id,
       a.risk_score AS risk_score, a.risk_tier AS risk_tier,
       a.risk_tier_label AS risk_tier_label, a.analyzed_at AS analyzed_at,
       open_kinds
