// Every engagement of these accounts (null: all), dated in epoch seconds.
// params: $account_ids
MATCH (a:Account)-[:HAD_ENGAGEMENT]->(e:Engagement)
WHERE $account_ids IS NULL OR a.id IN $account_ids
RETURN a.id AS account_id, e.kind AS kind, e.status AS status, e.date_epoch AS at,
       e.person_id AS person_id
