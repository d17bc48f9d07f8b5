// People by id: name, side (ours = member of, or role at, the Home organization), outreach
// capacity and every role they held, with whether its organization is ours.
// params: $person_ids
MATCH (p:Person)
WHERE p.id IN $person_ids
OPTIONAL MATCH (p)-[r:HOLDS_ROLE]->(o:Organization)
WITH p, collect({org_id: o.id, home: 'Home' IN labels(o), title: r.title, level: r.level,
                 function: r.function, start: r.start_epoch, end: r.end_epoch}) AS roles
OPTIONAL MATCH (p)-[:MEMBER_OF]->(m:Organization)
RETURN p.id AS person_id, p.name AS name, p.organization_id AS organization_id,
       p.outreach_capacity AS outreach_capacity,
       any(x IN collect(m) WHERE 'Home' IN labels(x) OR x.kind = 'home') AS member_of_home,
       [x IN roles WHERE x.org_id IS NOT NULL] AS roles
