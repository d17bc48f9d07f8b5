// People from people.csv, merged on id: the file is authoritative for their properties.
// params: $rows, $run_id
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p.name = row.name, p.emails = row.emails, p.organization_id = row.organization_id,
    p.outreach_capacity = row.outreach_capacity, p.import_run = $run_id
