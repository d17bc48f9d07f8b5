// Every signal with the people it concerns (for evaluation and reports).
// params: none
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
OPTIONAL MATCH (s)-[:CONCERNS]->(p:Person)
RETURN s.id AS signal_id, a.id AS account_id, s.kind AS kind, s.at_epoch AS at,
       s.severity AS severity, collect(p.id) AS person_ids
