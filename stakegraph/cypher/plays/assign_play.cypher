// Assign a play to a person of our side and append the assignment to its dated history.
// params: $id, $person_id, $event
MATCH (p:Play {id: $id})
MATCH (who:Person {id: $person_id})
MERGE (p)-[:ASSIGNED_TO]->(who)
SET p.assignee_id = $person_id, p.history = p.history + [$event]
