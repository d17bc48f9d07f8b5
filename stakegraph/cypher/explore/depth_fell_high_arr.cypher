// Accounts whose relationship depth fell while their ARR is high
// question: Which accounts with an ARR of at least $min_arr lost at least $min_fall points
// of relationship depth (0-100, docs/metrics.md) over the $weeks weeks up to their latest
// snapshot?
// params: $min_arr, $min_fall, $weeks
// param min_arr: float = 100000 -- only accounts with at least this ARR
// param min_fall: float = 10 -- the depth fell by at least this many points
// param weeks: int = 4 -- compare the latest window with the one this many weeks before
// example:
// account_id  account  segment     arr       risk_tier  then_at     depth_then  latest_at   depth_latest  fall
// acc-a       Acme     enterprise  500000.0  5          2024-06-03  60.0        2024-07-01  40.0          20.0
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE a.arr >= $min_arr
WITH a, max(s.window_end) AS latest_end
MATCH (a)-[:HAS_SNAPSHOT]->(latest:Snapshot {window_end: latest_end})
MATCH (a)-[:HAS_SNAPSHOT]->(earlier:Snapshot {window_end: latest_end - $weeks * 7 * 86400})
WITH a, earlier, latest, earlier.depth_score - latest.depth_score AS fall
WHERE fall >= $min_fall
RETURN a.id AS account_id, a.name AS account, a.segment AS segment, a.arr AS arr,
       a.risk_tier AS risk_tier, earlier.window_end AS then_at,
       earlier.depth_score AS depth_then, latest.window_end AS latest_at,
       latest.depth_score AS depth_latest, fall
ORDER BY fall DESC, account_id
