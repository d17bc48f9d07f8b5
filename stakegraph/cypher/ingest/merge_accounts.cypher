// Customer accounts, merged on id (both labels in the MERGE: ArcadeDB cannot add a label
// to a node created in the same statement).
// params: $rows, $run_id
UNWIND $rows AS row
MERGE (o:Organization:Account {id: row.id})
SET o.name = row.name, o.domains = row.domains, o.kind = 'account', o.segment = row.segment,
    o.arr = row.arr, o.renewal_date = row.renewal_date, o.renewal_epoch = row.renewal_epoch,
    o.owner_id = row.owner_id, o.import_run = $run_id
