// Engagement against the renewed baseline, by segment
// question: Per segment, how engaged are accounts in their latest window compared with
// accounts that renewed? Medians over the segment's accounts of the four ratios of
// docs/metrics.md (1.0 = engaged like an account that renewed; churners read near 0.5).
// params: $tier
// param tier: int = null -- only accounts in this risk tier (1 likely to renew ... 5 churn risk); null: all
// example:
// segment     accounts  arr       contacts_engaged_ratio  meetings_ratio  inbound_emails_ratio  outbound_emails_ratio
// enterprise  2         800000.0  0.7                     0.6             0.3                   0.6
// mid_market  1         100000.0  1.2                     1.0             1.1                   0.9
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE $tier IS NULL OR a.risk_tier = $tier
WITH a, max(s.window_end) AS latest_end
MATCH (a)-[:HAS_SNAPSHOT]->(s:Snapshot {window_end: latest_end})
RETURN coalesce(a.segment, '') AS segment, count(a) AS accounts, sum(a.arr) AS arr,
       percentileCont(s.contacts_engaged_ratio, 0.5) AS contacts_engaged_ratio,
       percentileCont(s.meetings_ratio, 0.5) AS meetings_ratio,
       percentileCont(s.inbound_emails_ratio, 0.5) AS inbound_emails_ratio,
       percentileCont(s.outbound_emails_ratio, 0.5) AS outbound_emails_ratio
ORDER BY segment
