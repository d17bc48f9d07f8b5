// Reporting lines (roles.csv reports_to) between the given people, with their dates
// (epoch seconds; end null while current).
// params: $person_ids
UNWIND $person_ids AS person_id
MATCH (p:Person {id: person_id})-[l:REPORTS_TO]->(m:Person)
WHERE m.id IN $person_ids
RETURN p.id AS report, m.id AS manager, l.start_epoch AS start, l.end_epoch AS end
