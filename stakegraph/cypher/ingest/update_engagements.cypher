// Engagements already in the store, imported again: the status and our host are updated
// in place (the key fixes the account, kind, date and person, and HAD_ENGAGEMENT).
// A row is [element id, status, our_person_id].
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (e) WHERE elementId(e) = row[0]
SET e.status = row[1], e.our_person_id = row[2], e.import_run = $run_id
