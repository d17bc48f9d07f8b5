// Every account's signals up to its analysis date, oldest first: the timeline markers.
// params: none
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
WHERE s.at_epoch <= a.analyzed_at
RETURN a.id AS account_id, s.id AS id, s.kind AS kind, s.at_epoch AS at, s.severity AS severity,
       s.summary AS summary
ORDER BY account_id, at, id
