// The people dimension: one row per person, with their organization and the current role
// there (the latest started, when several are open).
// params: none
MATCH (p:Person)
OPTIONAL MATCH (p)-[:MEMBER_OF]->(o:Organization)
OPTIONAL MATCH (p)-[r:HOLDS_ROLE]->(o)
WHERE r.end_epoch IS NULL
WITH p, o, r
ORDER BY r.start_epoch DESC
WITH p, o, collect({title: r.title, level: r.level, function: r.function}) AS roles
RETURN p.id AS person_id, p.name AS name, p.emails AS emails, o.id AS organization_id,
       o.name AS organization, coalesce(o.kind = 'home', false) AS is_ours,
       roles[0].title AS title, roles[0].level AS level, roles[0].function AS function,
       p.outreach_capacity AS outreach_capacity
ORDER BY person_id
