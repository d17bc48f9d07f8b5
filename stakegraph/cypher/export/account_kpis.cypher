// Each account's latest assessment, its open signals (raised within $open_window_s seconds
// up to its analysis date) and its latest snapshot's properties.
// params: $open_window_s
MATCH (a:Account)
OPTIONAL MATCH (a)-[:HAS_SNAPSHOT]->(s:Snapshot)
WITH a, max(s.window_end) AS latest_end
OPTIONAL MATCH (a)-[:HAS_SNAPSHOT]->(latest:Snapshot {window_end: latest_end})
OPTIONAL MATCH (a)-[:HAS_SIGNAL]->(open:Signal)
WHERE open.at_epoch >= a.analyzed_at - $open_window_s AND open.at_epoch <= a.analyzed_at
WITH a, latest, count(open) AS open_signals
RETURN a.id AS account_id, a.analyzed_at AS analyzed_at, a.risk_score AS risk_score,
       a.risk_tier AS risk_tier, a.risk_tier_label AS risk_tier_label, open_signals,
       properties(latest) AS snapshot
ORDER BY account_id
