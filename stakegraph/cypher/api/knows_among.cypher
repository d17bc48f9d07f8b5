// Declared acquaintances (knows.csv) among the given people.
// params: $person_ids
UNWIND $person_ids AS person_id
MATCH (a:Person {id: person_id})-[k:KNOWS]->(b:Person)
WHERE b.id IN $person_ids
RETURN a.id AS a, b.id AS b, k.source AS source, k.since_epoch AS since
