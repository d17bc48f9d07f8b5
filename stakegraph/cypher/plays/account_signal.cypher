// A signal of one account (none when the id names no signal of that account).
// params: $account_id, $signal_id
MATCH (s:Signal {id: $signal_id})
MATCH (:Organization {id: $account_id})-[:HAS_SIGNAL]->(s)
RETURN s.id AS id, s.kind AS kind, s.at_epoch AS at
