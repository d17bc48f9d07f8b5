// People who bridge several accounts
// question: Which people outside our company took part in interactions about at least
// $min_accounts different accounts in the $days days before as_of (consultants,
// partners, people who moved, a parent company's staff)?
// params: $as_of, $days, $min_accounts
// param as_of: date = null -- look back from this day; null: the latest analysis date of any account
// param days: int = 90 -- how far back to look
// param min_accounts: int = 2 -- at least this many different accounts
// example:
// person_id  person      organization  accounts  account_names             interactions
// x-cons     Xena Cole                 3         ["Acme", "Cyan", "Delta"]  3
// a-champ    Carol Reed  Acme          2         ["Acme", "Beta"]           5
MATCH (x:Account)
// The window's interactions come from the index on at_epoch, with their people and account
// from their read copies (person_ids, account_id): expanding every person's participations
// instead took 33 s on 200 accounts (bench/explore.py).
WITH coalesce($as_of, max(x.analyzed_at)) AS look_from
OPTIONAL MATCH (u:Person)-[:MEMBER_OF]->(:Home)
WITH look_from, collect(u.id) AS ours
MATCH (i:Interaction)
WHERE i.at_epoch >= look_from - $days * 86400 AND i.at_epoch < look_from
  AND i.account_id IS NOT NULL
UNWIND i.person_ids AS person_id
WITH i, person_id
WHERE NOT person_id IN ours
WITH person_id, collect(DISTINCT i.account_id) AS account_ids, count(DISTINCT i) AS interactions
WHERE size(account_ids) >= $min_accounts
MATCH (p:Person {id: person_id})
UNWIND account_ids AS account_id
MATCH (a:Organization {id: account_id})
WITH p, interactions, a
ORDER BY a.name
WITH p, interactions, collect(a.name) AS account_names
OPTIONAL MATCH (p)-[:MEMBER_OF]->(o:Organization)
RETURN p.id AS person_id, p.name AS person, o.name AS organization,
       size(account_names) AS accounts, account_names, interactions
ORDER BY accounts DESC, interactions DESC, person_id
