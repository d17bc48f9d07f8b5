// Dated role history.
// params: none
MATCH (p:Person)-[r:HOLDS_ROLE]->(o:Organization)
RETURN p.id AS person_id, o.id AS org_id, r.title AS title, r.level AS level,
       r.function AS function, r.buying_role AS buying_role, r.start_epoch AS start, r.end_epoch AS end
