// Who knows whom (directed as given: person_a knows person_b).
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a:Person {id: row.person_a})
MATCH (b:Person {id: row.person_b})
MERGE (a)-[k:KNOWS]->(b)
SET k.since = row.since, k.since_epoch = row.since_epoch, k.source = row.source,
    k.import_run = $run_id
