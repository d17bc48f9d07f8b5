// Every tie of the last analysis, per account (found from each account's tie_targets).
// params: none
MATCH (a:Account)
UNWIND coalesce(a.tie_targets, []) AS target
// (without this WITH, ArcadeDB matches no person by the unwound id)
WITH a, target
MATCH (b:Person {id: target})
MATCH (p:Person)-[t:TIE]->(b)
WHERE t.account_id = a.id
RETURN a.id AS account_id, p.id AS person_a, b.id AS person_b, t.strength AS strength,
       t.last_at AS last_at, t.interactions AS interactions, t.reciprocity AS reciprocity,
       t.channels AS channels
ORDER BY account_id, person_a, person_b
