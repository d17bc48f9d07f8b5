// Every person with their organization and whether it is ours.
// params: none
MATCH (p:Person)
OPTIONAL MATCH (p)-[:MEMBER_OF]->(o:Organization)
RETURN p.id AS person_id, p.name AS name, o.id AS org_id, coalesce(o.kind = 'home', false) AS is_home
