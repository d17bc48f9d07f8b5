// People who held a role at the account at some time in [$start, $end).
// params: $account_id, $start, $end
MATCH (p:Person)-[r:HOLDS_ROLE]->(:Account {id: $account_id})
WHERE r.start_epoch < $end AND (r.end_epoch IS NULL OR r.end_epoch >= $start)
RETURN DISTINCT p.id AS person_id
