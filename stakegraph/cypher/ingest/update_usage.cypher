// Usage measurements already in the store, measured again: the value and tier are
// updated in place (the key fixes the account, metric, date and person, and HAD_USAGE).
// A row is [element id, value, tier].
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (u) WHERE elementId(u) = row[0]
SET u.value = row[1], u.tier = row[2], u.import_run = $run_id
