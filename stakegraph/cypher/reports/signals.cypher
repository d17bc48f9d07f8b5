// Signals of the accounts raised in [$since, $until), oldest first.
// params: $account_ids, $since, $until
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
WHERE a.id IN $account_ids AND s.at_epoch >= $since AND s.at_epoch < $until
RETURN a.id AS account_id, s.id AS id, s.kind AS kind, s.at_epoch AS at,
       s.severity AS severity, s.summary AS summary
ORDER BY at, id
