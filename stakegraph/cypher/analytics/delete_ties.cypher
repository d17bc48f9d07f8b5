// Remove the derived ties of these accounts.
// params: $account_ids
MATCH (:Person)-[t:TIE]->(:Person)
WHERE t.account_id IN $account_ids
DELETE t
