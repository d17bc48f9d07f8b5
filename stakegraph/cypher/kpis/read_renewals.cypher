// Every renewal of these accounts (null: all) with its revenue and exit reason.
// params: $account_ids
MATCH (a:Account)-[:HAD_RENEWAL]->(r:Renewal)
WHERE $account_ids IS NULL OR a.id IN $account_ids
RETURN a.id AS account_id, r.date_epoch AS at, r.outcome AS outcome,
       r.arr_before AS arr_before, r.arr_after AS arr_after, r.reason AS reason
