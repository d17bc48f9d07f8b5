// Derived tie strengths, one per pair per account.
// params: $rows
UNWIND $rows AS row
MATCH (a:Person {id: row.person_a}), (b:Person {id: row.person_b})
CREATE (a)-[:TIE {account_id: row.account_id, strength: row.strength, last_at: row.last_at,
  interactions: row.interactions, reciprocity: row.reciprocity, channels: row.channels}]->(b)
