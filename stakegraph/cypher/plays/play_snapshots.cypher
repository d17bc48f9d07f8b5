// The figures a play's effect is measured on: each snapshot's depth and the risk score and
// tier of the analysis that ran at its window's end (if one did), oldest window first.
// params: $account_ids
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE a.id IN $account_ids
RETURN a.id AS account_id, s.window_end AS window_end, s.depth_score AS depth_score,
       s.analysis_risk_score AS risk_score, s.analysis_risk_tier AS risk_tier
ORDER BY account_id, window_end
