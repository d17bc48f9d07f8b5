// New engagements (invitations to and attendance of betas, pilots, steering committees,
// QBRs, check-ins, ...) with their HAD_ENGAGEMENT link, keyed
// <account_id>|<kind>|<date>|<person_id or empty>. A row is
// [id, account_id, kind, status, date, date_epoch, person_id, our_person_id]. The account
// is matched as an Organization: ids are unique, and indexed, on that label (on ArcadeDB
// `(:Account {id})` scans every account for each row).
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:Organization {id: row[1]})
CREATE (e:Engagement {id: row[0], account_id: row[1], kind: row[2], status: row[3],
                      date: row[4], date_epoch: row[5], person_id: row[6],
                      our_person_id: row[7], import_run: $run_id})
CREATE (a)-[:HAD_ENGAGEMENT]->(e)
