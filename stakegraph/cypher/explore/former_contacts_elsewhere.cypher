// Former contacts now at another account
// question: Who left a role at one account and now holds a role at another account of
// ours? A former champion (a champion_departure signal of the old account concerns them)
// is a warm door into the new one; they are listed first.
// params: $min_interactions
// param min_interactions: int = 0 -- at least this many interactions about the former account
// example:
// person_id  person   former_account_id  former_account  left_at     account_id  account  title            former_champion  interactions
// a-gone     Gil Ray  acc-a              Acme            2024-05-15  acc-c       Cyan     Head of Product  true             1
MATCH (p:Person)-[old:HOLDS_ROLE]->(former:Account)
WHERE old.end_epoch IS NOT NULL
  AND NOT EXISTS { MATCH (p)-[still:HOLDS_ROLE]->(former) WHERE still.end_epoch IS NULL }
MATCH (p)-[now_role:HOLDS_ROLE]->(current:Account)
WHERE now_role.end_epoch IS NULL AND current.id <> former.id
OPTIONAL MATCH (former)-[:HAS_SIGNAL]->(c:Signal {kind: 'champion_departure'})-[:CONCERNS]->(p)
WITH p, former, current, now_role, max(old.end_epoch) AS left_at, count(c) > 0 AS champion
OPTIONAL MATCH (p)-[:PARTICIPATED]->(i:Interaction)-[:ABOUT]->(former)
WITH p, former, current, now_role, left_at, champion, count(DISTINCT i) AS interactions
WHERE interactions >= $min_interactions
RETURN p.id AS person_id, p.name AS person, former.id AS former_account_id,
       former.name AS former_account, left_at, current.id AS account_id,
       current.name AS account, now_role.title AS title, champion AS former_champion,
       interactions
ORDER BY former_champion DESC, interactions DESC, person_id, account_id
