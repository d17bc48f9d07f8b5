// Customer accounts with what the KPI sheet groups them by and their latest risk score;
// $account_ids null reads every account.
// params: $account_ids
MATCH (a:Account)
WHERE $account_ids IS NULL OR a.id IN $account_ids
RETURN a.id AS account_id, a.segment AS segment, a.owner_id AS owner_id,
       a.risk_score AS risk_score
