// Coverage spans that apply to the accounts given: the spans for every account, and each
// account's own (coverage.csv). $account_ids null: every account's own spans too.
// params: $account_ids
MATCH (c:Coverage)
WHERE c.account_id IS NULL OR $account_ids IS NULL OR c.account_id IN $account_ids
RETURN c.source AS source, c.account_id AS account_id, c.kinds AS kinds,
       c.start_epoch AS start, c.end_epoch AS end
ORDER BY source, account_id
