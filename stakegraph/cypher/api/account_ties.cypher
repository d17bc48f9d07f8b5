// Derived ties (written by the last analysis run) of the given accounts.
// params: $account_ids
MATCH (a:Person)-[t:TIE]->(b:Person)
WHERE t.account_id IN $account_ids
RETURN t.account_id AS account_id, a.id AS a, b.id AS b, t.strength AS strength,
       t.interactions AS interactions, t.last_at AS last_at
