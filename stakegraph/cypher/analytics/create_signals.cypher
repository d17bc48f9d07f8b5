// Signals with the people they concern, created or updated in place (the id never
// changes: see delete_snapshots), their CONCERNS relationships replaced. The account is
// matched on the indexed Organization label, as in create_snapshots. `at` is a datetime
// for people writing Cypher; `at_epoch` (the same instant) is what bulk reads return.
// params: $rows
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
MERGE (s:Signal {id: row.id})
SET s.account_id = row.account_id, s.kind = row.kind,
    s.at = datetime({epochSeconds: row.at}), s.at_epoch = row.at, s.severity = row.severity,
    s.summary = row.summary, s.evidence = row.evidence
MERGE (a)-[:HAS_SIGNAL]->(s)
WITH s, row
OPTIONAL MATCH (s)-[old:CONCERNS]->(:Person)
DELETE old
WITH DISTINCT s, row
UNWIND row.person_ids AS person_id
MATCH (p:Person {id: person_id})
CREATE (s)-[:CONCERNS]->(p)
