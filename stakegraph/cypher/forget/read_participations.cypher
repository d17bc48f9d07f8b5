// The interactions these people took part in, with their participant lists.
// params: $person_ids
MATCH (p:Person)-[:PARTICIPATED]->(i:Interaction)
WHERE p.id IN $person_ids
RETURN DISTINCT i.id AS id, i.account_id AS account_id, i.person_ids AS person_ids,
       i.person_roles AS person_roles
