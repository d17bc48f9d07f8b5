// Signals with the people they concern (the account matched on the indexed Organization
// label, as in create_snapshots).
// params: $rows
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
CREATE (a)-[:HAS_SIGNAL]->(s:Signal {id: row.id, account_id: row.account_id, kind: row.kind,
  at: row.at, severity: row.severity, summary: row.summary, evidence: row.evidence})
WITH s, row
UNWIND row.person_ids AS person_id
MATCH (p:Person {id: person_id})
CREATE (s)-[:CONCERNS]->(p)
