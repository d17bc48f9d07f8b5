// At-risk accounts renewing soon, with their open signals
// question: Which accounts at risk tier $min_tier or worse renew within $renewal_days days,
// and which signals are open on them (raised in the $open_days days up to as_of)?
// params: $as_of, $min_tier, $renewal_days, $open_days
// param as_of: date = null -- look from this day; null: each account's last analysis date
// param min_tier: int = 4 -- this tier or worse (4 below average, 5 churn risk)
// param renewal_days: int = 90 -- the account renews within this many days after as_of
// param open_days: int = 90 -- a signal raised this many days before as_of is still open
// example:
// account_id  account  segment     arr       owner_id  risk_tier  risk_score  renewal_at  days_to_renewal  open_signals
// acc-c       Cyan     enterprise  300000.0  u-am2     4          0.6         2024-08-01  31               ["engagement_contraction", "executive_withdrawal"]
MATCH (a:Account)
WITH a, coalesce($as_of, a.analyzed_at) AS look_from
WHERE a.risk_tier >= $min_tier
  AND a.renewal_epoch >= look_from AND a.renewal_epoch < look_from + $renewal_days * 86400
OPTIONAL MATCH (a)-[:HAS_SIGNAL]->(s:Signal)
WHERE s.at_epoch >= look_from - $open_days * 86400 AND s.at_epoch <= look_from
WITH a, look_from, s
ORDER BY s.kind
WITH a, look_from, collect(DISTINCT s.kind) AS open_signals
RETURN a.id AS account_id, a.name AS account, a.segment AS segment, a.arr AS arr,
       a.owner_id AS owner_id, a.risk_tier AS risk_tier, a.risk_score AS risk_score,
       a.renewal_epoch AS renewal_at, (a.renewal_epoch - look_from) / 86400 AS days_to_renewal,
       open_signals
ORDER BY renewal_at, risk_score DESC, account_id
