// Signals of an account raised in [$since, $until], newest first, with the people they concern.
// params: $account_id, $since, $until
MATCH (:Account {id: $account_id})-[:HAS_SIGNAL]->(s:Signal)
WHERE s.at_epoch >= $since AND s.at_epoch <= $until
OPTIONAL MATCH (s)-[:CONCERNS]->(p:Person)
WITH s, collect({id: p.id, name: p.name}) AS people
RETURN s.id AS id, s.kind AS kind, s.at_epoch AS at, s.severity AS severity,
       s.summary AS summary, s.evidence AS evidence, people
ORDER BY at DESC, id
