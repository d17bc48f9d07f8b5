// The multi-role flag and depth score of every snapshot of these accounts (null: all).
// params: $account_ids
MATCH (a:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
WHERE $account_ids IS NULL OR a.id IN $account_ids
RETURN a.id AS account_id, s.window_end AS window_end, s.multi_role AS multi_role,
       s.depth_score AS depth_score
