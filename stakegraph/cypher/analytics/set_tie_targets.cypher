// The people each account's TIE relationships point to (distinct person_b), so the next
// run finds the ties to replace without scanning every TIE (delete_ties).
// params: $rows
UNWIND $rows AS row
MATCH (a:Organization {id: row.account_id})
SET a.tie_targets = row.person_ids
