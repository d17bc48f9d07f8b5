// The latest risk assessment of each account (matched on the indexed Organization label,
// as in create_snapshots), also kept on the snapshot of the window it was scored at
// (`analysis_risk_score`, `analysis_risk_tier`), so successive analyses leave a risk history
// that a play's effect is measured on (docs/metrics.md, "Plays").
// params: $rows
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
SET a.risk_score = row.risk_score, a.risk_tier = row.risk_tier,
    a.risk_tier_label = row.risk_tier_label, a.risk_factors = row.risk_factors,
    a.analyzed_at = row.analyzed_at
WITH a, row
MATCH (a)-[:HAS_SNAPSHOT]->(s:Snapshot {window_end: row.analyzed_at})
SET s.analysis_risk_score = row.risk_score, s.analysis_risk_tier = row.risk_tier
