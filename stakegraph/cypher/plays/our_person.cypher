// A person of our side (a member of the home organization), if there is one with this id.
// params: $person_id
MATCH (p:Person {id: $person_id})
MATCH (p)-[:MEMBER_OF]->(:Home)
RETURN p.id AS id, p.name AS name
