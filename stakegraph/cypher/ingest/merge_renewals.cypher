// Renewal outcomes, merged on <account_id>@<date>, with the revenue before and after and
// the exit reason when the file gives them (null otherwise).
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
MERGE (r:Renewal {id: row.id})
SET r.date = row.date, r.date_epoch = row.date_epoch, r.outcome = row.outcome,
    r.account_id = row.account_id, r.arr_before = row.arr_before,
    r.arr_after = row.arr_after, r.reason = row.reason, r.import_run = $run_id
MERGE (a)-[:HAD_RENEWAL]->(r)
