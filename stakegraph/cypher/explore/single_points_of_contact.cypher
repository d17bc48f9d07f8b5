// Our people who are the only contact of several accounts
// question: Which of our people are, for at least $min_accounts accounts, the only one of
// us in the account's interactions over the $days days before as_of (the account is
// single-threaded on our side, through them)?
// params: $as_of, $days, $min_accounts
// param as_of: date = null -- look back from this day; null: each account's last analysis date
// param days: int = 90 -- how far back to look
// param min_accounts: int = 2 -- at least this many accounts
// example:
// person_id  person    accounts  arr       account_names      interactions
// u-am2      Beth Kim  2         350000.0  ["Cyan", "Delta"]  5
MATCH (a:Account)
WITH a, coalesce($as_of, a.analyzed_at) AS look_from
MATCH (a)<-[:ABOUT]-(i:Interaction)<-[:PARTICIPATED]-(u:Person)-[:MEMBER_OF]->(:Home)
WHERE i.at_epoch >= look_from - $days * 86400 AND i.at_epoch < look_from
WITH a, collect(DISTINCT u) AS ours, count(DISTINCT i) AS interactions
WHERE size(ours) = 1
WITH ours[0] AS u, a, interactions
ORDER BY a.name
WITH u, count(a) AS accounts, sum(a.arr) AS arr, collect(a.name) AS account_names,
     sum(interactions) AS interactions
WHERE accounts >= $min_accounts
RETURN u.id AS person_id, u.name AS person, accounts, arr, account_names, interactions
ORDER BY accounts DESC, arr DESC, person_id
