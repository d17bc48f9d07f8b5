// People by id: name, side (ours = member of, or role at, the Home organization), outreach
// capacity and every role they held, with whether its organization is ours.
// params: $person_ids
UNWIND $person_ids AS person_id
MATCH (p:Person {id: person_id})
RETURN p.id AS person_id, p.name AS name, p.organization_id AS organization_id,
       p.outreach_capacity AS outreach_capacity,
       size([(p)-[:MEMBER_OF]->(m:Organization) WHERE 'Home' IN labels(m) OR m.kind = 'home'
             | m]) > 0 AS member_of_home,
       [(p)-[r:HOLDS_ROLE]->(o:Organization) | {org_id: o.id, home: 'Home' IN labels(o),
        title: r.title, level: r.level, function: r.function, start: r.start_epoch,
        end: r.end_epoch}] AS roles
