// Declared acquaintances (knows.csv) among the given people.
// params: $person_ids
MATCH (a:Person)-[k:KNOWS]->(b:Person)
WHERE a.id IN $person_ids AND b.id IN $person_ids
RETURN a.id AS a, b.id AS b, k.source AS source
