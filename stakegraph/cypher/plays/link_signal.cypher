// The signal a play was opened from.
// params: $id, $signal_id
MATCH (p:Play {id: $id})
MATCH (s:Signal {id: $signal_id})
MERGE (p)-[:FROM_SIGNAL]->(s)
