// One row when a person with this id is in the store (an API key's owner), none otherwise.
// params: $person_id
MATCH (p:Person {id: $person_id})
RETURN p.id AS id
