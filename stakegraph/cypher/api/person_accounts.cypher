// The accounts a person took part in interactions about, or held a role at. Broadcasts
// (flagged bulk, or more people than $bulk_threshold) do not count.
// params: $person_id, $bulk_threshold
MATCH (p:Person {id: $person_id})
OPTIONAL MATCH (p)-[:PARTICIPATED]->(i:Interaction)-[:ABOUT]->(a:Account)
WHERE NOT coalesce(i.bulk, false)
  AND coalesce(i.participants, size(i.person_ids)) <= $bulk_threshold
WITH p, collect(DISTINCT a.id) AS via_interactions
OPTIONAL MATCH (p)-[:HOLDS_ROLE]->(b:Account)
RETURN p.id AS person_id, p.name AS name, via_interactions, collect(DISTINCT b.id) AS via_roles
