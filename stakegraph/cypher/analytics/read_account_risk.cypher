// The latest risk assessment of every account.
// params: none
MATCH (a:Account)
RETURN a.id AS account_id, a.segment AS segment, a.risk_score AS risk_score,
       a.risk_tier AS risk_tier
