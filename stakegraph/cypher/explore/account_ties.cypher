// An account's stakeholder network
// question: Who is tied to whom at account $account_id, and how strongly (tie strength
// 0-1 as of the last analysis, docs/metrics.md)? The tie column holds the tie as a path
// (a relationship alone comes without its people's properties), so the web page draws it.
// params: $account_id, $min_strength
// param account_id: text = required -- the account's id
// param min_strength: float = 0 -- only ties at least this strong
// example:
// person_a  name_a     person_b  name_b     strength  interactions  last_at     tie
// u-am1     Alan Moss  u-cto     Omar Diaz  0.9       1           2024-06-15  [...]
// a-champ   Carol Reed u-am1     Alan Moss  0.6       2           2024-06-25  [...]
MATCH (a:Organization {id: $account_id})
UNWIND coalesce(a.tie_targets, []) AS target
// (without this WITH, ArcadeDB matches no person by the unwound id)
WITH target
MATCH (y:Person {id: target})
MATCH tie = (x:Person)-[t:TIE]->(y)
WHERE t.account_id = $account_id AND t.strength >= $min_strength
RETURN x.id AS person_a, x.name AS name_a, y.id AS person_b, y.name AS name_b,
       t.strength AS strength, t.interactions AS interactions, t.last_at AS last_at, tie
ORDER BY strength DESC, person_a, person_b
