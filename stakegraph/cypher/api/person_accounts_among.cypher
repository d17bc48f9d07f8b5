// The accounts among $account_ids that a person took part in interactions about, or held a
// role at. It starts from the accounts, not the person: the work is the same whether the
// person exists, is involved elsewhere, or not at all (an account manager cannot time it).
// params: $person_id, $account_ids
UNWIND $account_ids AS account_id
MATCH (a:Organization {id: account_id})
WHERE a:Account
OPTIONAL MATCH (a)<-[:ABOUT]-(i:Interaction)
WHERE $person_id IN i.person_ids
WITH a, count(i) AS interactions
OPTIONAL MATCH (a)<-[:HOLDS_ROLE]-(p:Person)
WHERE p.id = $person_id
WITH a, interactions, count(p) AS roles
WHERE interactions > 0 OR roles > 0
RETURN a.id AS account_id
