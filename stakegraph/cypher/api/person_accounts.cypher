// The accounts a person took part in interactions about, or held a role at.
// params: $person_id
MATCH (p:Person {id: $person_id})
OPTIONAL MATCH (p)-[:PARTICIPATED]->(:Interaction)-[:ABOUT]->(a:Account)
WITH p, collect(DISTINCT a.id) AS via_interactions
OPTIONAL MATCH (p)-[:HOLDS_ROLE]->(b:Account)
RETURN p.id AS person_id, p.name AS name, via_interactions, collect(DISTINCT b.id) AS via_roles
