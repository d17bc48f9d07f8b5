// Our own company (normally one), merged on id.
// params: $rows, $run_id
UNWIND $rows AS row
MERGE (o:Organization:Home {id: row.id})
SET o.name = row.name, o.domains = row.domains, o.kind = 'home', o.import_run = $run_id
