// The people themselves, with every relationship they have (participations, ties, roles,
// memberships, knows).
// params: $person_ids
MATCH (p:Person)
WHERE p.id IN $person_ids
DETACH DELETE p
