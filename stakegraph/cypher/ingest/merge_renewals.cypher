// Renewal outcomes, merged on <account_id>@<date>.
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
MERGE (r:Renewal {id: row.id})
SET r.date = row.date, r.date_epoch = row.date_epoch, r.outcome = row.outcome,
    r.account_id = row.account_id, r.import_run = $run_id
MERGE (a)-[:HAD_RENEWAL]->(r)
