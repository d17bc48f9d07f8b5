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
WITH coalesce($as_of, max(x.analyzed_at)) AS look_from
MATCH (p:Person)-[:PARTICIPATED]->(i:Interaction)-[:ABOUT]->(a:Account)
WHERE i.at_epoch >= look_from - $days * 86400 AND i.at_epoch < look_from
  AND NOT EXISTS { MATCH (p)-[:MEMBER_OF]->(:Home) }
WITH p, a, i
ORDER BY a.name
WITH p, collect(DISTINCT a.name) AS account_names, count(DISTINCT i) AS interactions
WHERE size(account_names) >= $min_accounts
OPTIONAL MATCH (p)-[:MEMBER_OF]->(o:Organization)
RETURN p.id AS person_id, p.name AS person, o.name AS organization,
       size(account_names) AS accounts, account_names, interactions
ORDER BY accounts DESC, interactions DESC, person_id
