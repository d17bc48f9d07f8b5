// The last four snapshots (newest first) of each account: what the list's trend is made of.
// params: $account_ids
UNWIND $account_ids AS account_id
MATCH (:Account {id: account_id})-[:HAS_SNAPSHOT]->(s:Snapshot)
WITH account_id, s
ORDER BY s.window_end DESC
WITH account_id,
     collect({window_end: s.window_end, risk_score: s.risk_score,
              depth_score: s.depth_score})[0..4] AS recent
RETURN account_id, recent
