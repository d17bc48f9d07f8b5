// Risk tiers by segment
// question: How many accounts, and how much ARR, sit in each risk tier (1 likely to renew
// ... 5 churn risk; empty: not analysed) of each segment?
// params: $segment
// param segment: text = null -- only this segment; null: all
// example:
// segment     risk_tier  risk_tier_label  accounts  arr       mean_risk_score
// enterprise  4          below average    1         300000.0  0.6
// enterprise  5          churn risk       1         500000.0  0.8
MATCH (a:Account)
WHERE $segment IS NULL OR a.segment = $segment
RETURN coalesce(a.segment, '') AS segment, a.risk_tier AS risk_tier,
       a.risk_tier_label AS risk_tier_label, count(a) AS accounts, sum(a.arr) AS arr,
       avg(a.risk_score) AS mean_risk_score
ORDER BY segment, coalesce(risk_tier, 0)
