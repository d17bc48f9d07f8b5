// Every signal with the ids of the people it concerns.
// params: none
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
OPTIONAL MATCH (s)-[:CONCERNS]->(p:Person)
WITH a, s, p
ORDER BY p.id
WITH a, s, collect(p.id) AS person_ids
RETURN s.id AS signal_id, a.id AS account_id, s.kind AS kind, s.at_epoch AS raised_at,
       s.severity AS severity, s.summary AS summary, s.evidence AS evidence, person_ids
ORDER BY account_id, raised_at, signal_id
