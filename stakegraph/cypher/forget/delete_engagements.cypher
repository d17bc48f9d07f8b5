// Engagements of a forgotten person on the customer's side (their id names the person).
// params: $person_ids
MATCH (e:Engagement)
WHERE e.person_id IN $person_ids
DETACH DELETE e
