// Signals about these people (their CONCERNS relationship).
// params: $person_ids
MATCH (s:Signal)-[:CONCERNS]->(p:Person)
WHERE p.id IN $person_ids
DETACH DELETE s
