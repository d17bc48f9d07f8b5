// One page of the plays of $account_ids (null: every account), optionally of one status,
// newest first: $limit plays after the first $offset (plays/count_plays counts them all).
// params: $account_ids, $status, $offset, $limit
MATCH (a:Account)-[:HAS_PLAY]->(p:Play)
WHERE ($account_ids IS NULL OR a.id IN $account_ids) AND ($status IS NULL OR p.status = $status)
WITH a, p
ORDER BY p.opened_epoch DESC, p.id
SKIP $offset
LIMIT $limit
OPTIONAL MATCH (p)-[:ASSIGNED_TO]->(who:Person)
OPTIONAL MATCH (p)-[:FROM_SIGNAL]->(s:Signal)
RETURN p {.*, opened_at: null, closed_at: null} AS play, a.name AS account_name,
       who.name AS assignee_name, s.kind AS signal_kind
ORDER BY p.opened_epoch DESC, p.id
