// Account owners' books
// question: Per account owner: how many accounts and how much ARR, how much of it at risk
// tier $min_tier or worse, and the mean relationship depth of the accounts' latest windows?
// params: $min_tier
// param min_tier: int = 4 -- this tier or worse counts as at risk
// example:
// owner_id  owner      accounts  arr       accounts_at_risk  arr_at_risk  mean_depth_score
// u-am1     Alan Moss  2         600000.0  1                 500000.0     42.0
// u-am2     Beth Kim   2         350000.0  1                 300000.0     31.0
MATCH (a:Account)
OPTIONAL MATCH (a)-[:HAS_SNAPSHOT]->(s:Snapshot)
WITH a, max(s.window_end) AS latest_end
OPTIONAL MATCH (a)-[:HAS_SNAPSHOT]->(latest:Snapshot {window_end: latest_end})
OPTIONAL MATCH (owner:Person {id: a.owner_id})
WITH a.owner_id AS owner_id, owner.name AS owner, count(a) AS accounts, sum(a.arr) AS arr,
     sum(CASE WHEN a.risk_tier >= $min_tier THEN 1 ELSE 0 END) AS accounts_at_risk,
     sum(CASE WHEN a.risk_tier >= $min_tier THEN a.arr ELSE 0 END) AS arr_at_risk,
     avg(latest.depth_score) AS mean_depth_score
RETURN owner_id, owner, accounts, arr, accounts_at_risk, arr_at_risk, mean_depth_score
ORDER BY arr_at_risk DESC, coalesce(owner_id, '')
