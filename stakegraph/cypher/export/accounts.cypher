// The account dimension: one row per customer account.
// params: none
MATCH (a:Account)
RETURN a.id AS account_id, a.name AS name, a.segment AS segment, a.arr AS arr,
       a.renewal_epoch AS renewal_date, a.owner_id AS owner_id, a.domains AS domains
ORDER BY account_id
