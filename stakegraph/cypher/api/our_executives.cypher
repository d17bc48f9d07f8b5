// Our people whose role at the Home organization at $at has a level in $levels.
// params: $levels, $at
MATCH (p:Person)-[r:HOLDS_ROLE]->(:Home)
WHERE r.level IN $levels AND r.start_epoch <= $at AND (r.end_epoch IS NULL OR r.end_epoch > $at)
RETURN p.id AS person_id, p.name AS name, r.title AS title, r.level AS level,
       r.function AS function, p.outreach_capacity AS outreach_capacity
ORDER BY person_id
