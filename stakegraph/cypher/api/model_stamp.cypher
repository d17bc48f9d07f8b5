// What the read model was built from, cheaply: it is rebuilt when this changes. Analysis
// rewrites every account's risk and analysis date; an import adds or restarts an ImportRun.
// params: none
MATCH (a:Account)
WITH count(a) AS accounts, max(a.analyzed_at) AS analyzed_at,
     sum(coalesce(a.risk_score, 0.0)) AS risk_sum, sum(coalesce(a.risk_tier, 0)) AS tier_sum
OPTIONAL MATCH (r:ImportRun)
RETURN accounts, analyzed_at, risk_sum, tier_sum, count(r) AS imports,
       max(toString(r.started_at)) AS imported_at, max(toString(r.finished_at)) AS finished_at
