// One play, when it belongs to one of $account_ids (null: any account), with its account,
// assignee and signal. An account manager's call passes their own accounts, so a play of
// another owner's account and a play that does not exist run the same query.
// params: $id, $account_ids
MATCH (p:Play {id: $id})
MATCH (a:Account)-[:HAS_PLAY]->(p)
WHERE $account_ids IS NULL OR a.id IN $account_ids
OPTIONAL MATCH (p)-[:ASSIGNED_TO]->(who:Person)
OPTIONAL MATCH (p)-[:FROM_SIGNAL]->(s:Signal)
RETURN p {.*, opened_at: null, closed_at: null} AS play, a.name AS account_name,
       who.name AS assignee_name, s.kind AS signal_kind
