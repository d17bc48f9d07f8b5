// The latest risk assessment of each account (matched on the indexed Organization label,
// as in create_snapshots).
// params: $rows
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
SET a.risk_score = row.risk_score, a.risk_tier = row.risk_tier,
    a.risk_tier_label = row.risk_tier_label, a.risk_factors = row.risk_factors,
    a.analyzed_at = row.analyzed_at
