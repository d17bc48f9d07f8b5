// Every dated role: who held which title at which organization, from when to when.
// params: none
MATCH (p:Person)-[r:HOLDS_ROLE]->(o:Organization)
RETURN p.id AS person_id, o.id AS organization_id, r.title AS title, r.level AS level,
       r.function AS function, r.start_epoch AS start_date, r.end_epoch AS end_date
ORDER BY person_id, organization_id, start_date
