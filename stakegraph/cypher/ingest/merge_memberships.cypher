// A person's organization.
// params: $rows
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (o:Organization {id: row.organization_id})
MERGE (p)-[:MEMBER_OF]->(o)
