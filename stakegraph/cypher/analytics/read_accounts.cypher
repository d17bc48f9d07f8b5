// Customer accounts.
// params: none
MATCH (a:Account)
RETURN a.id AS account_id, a.name AS name, a.segment AS segment, a.arr AS arr,
       a.renewal_epoch AS renewal_date, a.owner_id AS owner_id
