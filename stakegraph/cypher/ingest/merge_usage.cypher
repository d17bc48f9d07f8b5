// Usage measurements (usage.csv), merged on <account_id>|<metric>|<date>|<person_id>.
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
MERGE (u:Usage {id: row.id})
SET u.account_id = row.account_id, u.metric = row.metric, u.date = row.date,
    u.date_epoch = row.date_epoch, u.value = row.value, u.person_id = row.person_id,
    u.tier = row.tier, u.import_run = $run_id
MERGE (a)-[:HAD_USAGE]->(u)
