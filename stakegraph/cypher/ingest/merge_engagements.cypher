// Engagements (invitations to and attendance of betas, pilots, steering committees, QBRs,
// check-ins, ...), merged on <account_id>|<kind>|<date>|<person_id or empty>.
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:Account {id: row.account_id})
MERGE (e:Engagement {id: row.id})
SET e.account_id = row.account_id, e.kind = row.kind, e.status = row.status,
    e.date = row.date, e.date_epoch = row.date_epoch, e.person_id = row.person_id,
    e.our_person_id = row.our_person_id, e.import_run = $run_id
MERGE (a)-[:HAD_ENGAGEMENT]->(e)
