// New usage measurements (usage.csv) with their HAD_USAGE link, keyed
// <account_id>|<metric>|<date>|<person_id or empty>. Rows are lists and the account is
// found by element id, as in create_interactions.cypher (far faster on ArcadeDB). A row
// is [id, account_id, account element id, metric, date, date_epoch, value, person_id, tier].
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[2]
CREATE (u:Usage {id: row[0], account_id: row[1], metric: row[3], date: row[4],
                 date_epoch: row[5], value: row[6], person_id: row[7], tier: row[8],
                 import_run: $run_id})
CREATE (a)-[:HAD_USAGE]->(u)
