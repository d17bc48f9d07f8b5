// How many plays $account_ids (null: every account) hold, optionally of one status.
// params: $account_ids, $status
MATCH (a:Account)-[:HAS_PLAY]->(p:Play)
WHERE ($account_ids IS NULL OR a.id IN $account_ids) AND ($status IS NULL OR p.status = $status)
RETURN count(p) AS plays
