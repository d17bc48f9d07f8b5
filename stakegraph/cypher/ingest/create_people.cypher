// People not in the store before this import, with their organization: CREATE, because
// MERGE slows down as the graph grows. A re-run after a kill finds them and merges.
// params: $rows, $run_id
UNWIND $rows AS row
CREATE (p:Person {id: row.id, name: row.name, emails: row.emails,
                  organization_id: row.organization_id,
                  outreach_capacity: row.outreach_capacity, import_run: $run_id})
WITH p, row
WHERE row.organization_id IS NOT NULL
MATCH (o:Organization {id: row.organization_id})
CREATE (p)-[:MEMBER_OF]->(o)
