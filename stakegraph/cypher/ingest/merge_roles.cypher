// Dated roles, one per (person, organization, start, title): role_key holds start and title
// because a MERGE cannot match on a null title.
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (o:Organization {id: row.organization_id})
MERGE (p)-[r:HOLDS_ROLE {role_key: row.role_key}]->(o)
SET r.title = row.title, r.level = row.level, r.function = row.function,
    r.buying_role = row.buying_role,
    r.start = row.start, r.end = row.end, r.start_epoch = row.start_epoch,
    r.end_epoch = row.end_epoch, r.import_run = $run_id
