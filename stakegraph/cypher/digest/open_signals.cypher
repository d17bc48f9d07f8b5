// The signals open at the look-from date ($as_of, or each account's analysis date when
// null): raised within $open_window_s seconds up to it, with the names of the people
// they concern.
// params: $account_ids, $as_of, $open_window_s
MATCH (a:Account)-[:HAS_SIGNAL]->(s:Signal)
WHERE $account_ids IS NULL OR a.id IN $account_ids
WITH a, s, coalesce($as_of, a.analyzed_at) AS look_from
WHERE s.at_epoch >= look_from - $open_window_s AND s.at_epoch <= look_from
OPTIONAL MATCH (s)-[:CONCERNS]->(p:Person)
WITH a, s, collect(p.name) AS people
RETURN a.id AS account_id, s.id AS id, s.kind AS kind, s.at_epoch AS at,
       s.severity AS severity, s.summary AS summary, people
ORDER BY account_id, at, id
