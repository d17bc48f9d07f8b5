// Every account's open signals (raised within $open_window_s seconds up to its analysis
// date), newest first per account, with the people they concern.
// params: $open_window_s
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
WHERE s.at_epoch >= a.analyzed_at - $open_window_s AND s.at_epoch <= a.analyzed_at
OPTIONAL MATCH (s)-[:CONCERNS]->(p:Person)
WITH a, s, collect({id: p.id, name: p.name}) AS people
RETURN a.id AS account_id, s.id AS id, s.kind AS kind, s.at_epoch AS at, s.severity AS severity,
       s.summary AS summary, s.evidence AS evidence, people
ORDER BY account_id, at DESC, id
