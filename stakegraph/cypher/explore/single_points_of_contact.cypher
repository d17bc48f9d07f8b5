// Our people who are the only contact of several accounts
// question: Which of our people are, for at least $min_accounts accounts, the only one of
// us in the account's interactions over the $days days before as_of (the account is
// single-threaded on our side, through them)?
// params: $as_of, $days, $min_accounts
// param as_of: date = null -- look back from this day; null: the latest analysis date of any account
// param days: int = 90 -- how far back to look
// param min_accounts: int = 2 -- at least this many accounts
// example:
// person_id  person    accounts  arr       account_names      interactions
// u-am2      Beth Kim  2         350000.0  ["Cyan", "Delta"]  5
MATCH (x:Account)
// The window's interactions come from the index on at_epoch, with their people and account
// from their read copies (person_ids, account_id), as in bridge_people.
WITH coalesce($as_of, max(x.analyzed_at)) AS look_from
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(:Home)
WITH look_from, collect(u.id) AS ours
MATCH (i:Interaction)
WHERE i.at_epoch >= look_from - $days * 86400 AND i.at_epoch < look_from
  AND i.account_id IS NOT NULL
UNWIND i.person_ids AS person_id
WITH i, person_id
WHERE person_id IN ours
WITH i.account_id AS account_id, collect(DISTINCT person_id) AS our_ids,
     count(DISTINCT i) AS interactions
WHERE size(our_ids) = 1
MATCH (a:Organization {id: account_id})
WITH our_ids[0] AS person_id, a, interactions
ORDER BY a.name
WITH person_id, count(a) AS accounts, sum(a.arr) AS arr, collect(a.name) AS account_names,
     sum(interactions) AS interactions
WHERE accounts >= $min_accounts
MATCH (u:Person {id: person_id})
RETURN u.id AS person_id, u.name AS person, accounts, arr, account_names, interactions
ORDER BY accounts DESC, arr DESC, person_id
