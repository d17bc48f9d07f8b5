// The figures reports chart, per account and window ending in [$since, $until], oldest
// first (numbers only).
// params: $account_ids, $since, $until
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE a.id IN $account_ids AND s.window_end >= $since AND s.window_end <= $until
RETURN a.id AS account_id, s.window_end AS window_end, s.depth_score AS depth_score,
       s.contacts_engaged AS contacts_engaged,
       s.senior_contacts_engaged AS senior_contacts_engaged, s.meetings AS meetings,
       s.functions_engaged AS functions_engaged, s.multi_role AS multi_role,
       s.analysis_risk_score AS risk_score, s.analysis_risk_tier AS risk_tier
ORDER BY account_id, window_end
