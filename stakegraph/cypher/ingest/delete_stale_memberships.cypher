// A person belongs to one organization: drop memberships the import no longer states.
// params: $rows
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})-[m:MEMBER_OF]->(o:Organization)
WHERE row.organization_id IS NULL OR o.id <> row.organization_id
DELETE m
