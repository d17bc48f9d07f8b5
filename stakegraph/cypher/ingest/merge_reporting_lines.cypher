// Reporting lines from roles.csv's reports_to: one REPORTS_TO per role, dated like the role
// (start, end; end null while current), keyed by the role it belongs to.
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (m:Person {id: row.reports_to})
MERGE (p)-[l:REPORTS_TO {organization_id: row.organization_id, role_key: row.role_key}]->(m)
SET l.start = row.start, l.end = row.end, l.start_epoch = row.start_epoch,
    l.end_epoch = row.end_epoch, l.import_run = $run_id
