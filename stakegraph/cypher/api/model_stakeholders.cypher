// Roles held at any account at some time in [$start, $end) (the caller narrows each to its
// account's own window).
// params: $start, $end
MATCH (p:Person)-[r:HOLDS_ROLE]->(a:Account)
WHERE r.start_epoch < $end AND (r.end_epoch IS NULL OR r.end_epoch >= $start)
RETURN a.id AS account_id, p.id AS person_id, r.start_epoch AS start, r.end_epoch AS end
