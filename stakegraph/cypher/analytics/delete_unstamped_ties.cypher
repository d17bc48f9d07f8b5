// Remove the ties of accounts analysed before their tie_targets were recorded: scan every
// TIE, only when there is such an account among these.
// params: $account_ids
MATCH (a:Organization)
WHERE a.id IN $account_ids AND a.analyzed_at IS NOT NULL AND a.tie_targets IS NULL
WITH collect(a.id) AS unstamped
WHERE size(unstamped) > 0
MATCH (:Person)-[t:TIE]->(:Person)
WHERE t.account_id IN unstamped
DELETE t
