// The accounts among $account_ids that a person took part in interactions about, or held a
// role at. It starts from the accounts, not the person: the work is the same whether the
// person exists, is involved elsewhere, or not at all (an account manager cannot time it).
// Broadcasts (flagged bulk, or more people than $bulk_threshold) do not make anyone part
// of an account: a newsletter's readers belong to other accounts.
// params: $person_id, $account_ids, $bulk_threshold
UNWIND $account_ids AS account_id
MATCH (a:Organization {id: account_id})
WHERE a:Account
OPTIONAL MATCH (a)<-[:ABOUT]-(i:Interaction)
WHERE $person_id IN i.person_ids AND NOT coalesce(i.bulk, false)
  AND coalesce(i.participants, size(i.person_ids)) <= $bulk_threshold
WITH a, count(i) AS interactions
OPTIONAL MATCH (a)<-[:HOLDS_ROLE]-(p:Person)
WHERE p.id = $person_id
WITH a, interactions, count(p) AS roles
WHERE interactions > 0 OR roles > 0
RETURN a.id AS account_id
