// The key stakeholders of theirs at the look-from date ($as_of, or each account's analysis
// date when null): a role current then at one of $levels, or with a buying role. For each,
// their conversations about the account in the $days days before it (broadcasts left
// out): how many, the first and the last.
// params: $account_ids, $as_of, $levels, $days, $bulk_threshold
MATCH (a:Account)
WHERE $account_ids IS NULL OR a.id IN $account_ids
WITH a, coalesce($as_of, a.analyzed_at) AS look_from
WHERE look_from IS NOT NULL
MATCH (p:Person)-[r:HOLDS_ROLE]->(a)
WHERE (r.level IN $levels OR r.buying_role IS NOT NULL)
  AND r.start_epoch <= look_from AND (r.end_epoch IS NULL OR r.end_epoch > look_from)
WITH a, look_from, p, collect(r.title)[0] AS title
OPTIONAL MATCH (p)-[:PARTICIPATED]->(i:Interaction)-[:ABOUT]->(a)
WHERE i.at_epoch >= look_from - $days * 86400 AND i.at_epoch < look_from
  AND coalesce(i.bulk, false) = false AND coalesce(i.participants, 2) <= $bulk_threshold
WITH a, p, title, count(DISTINCT i) AS appearances, min(i.at_epoch) AS first_seen,
     max(i.at_epoch) AS last_seen
RETURN a.id AS account_id, p.id AS person_id, p.name AS name, title, appearances,
       first_seen, last_seen
ORDER BY account_id, person_id
