// Senior stakeholders at the top accounts whom nobody of ours has met
// question: At the $top accounts with the highest ARR, which people in a current role at
// the given levels have never been in an interaction of the given kinds (meetings and
// calls by default) together with someone of ours?
// params: $top, $levels, $kinds
// param top: int = 10 -- how many accounts, by ARR, highest first
// param levels: list = vp,c_level -- the levels that count as senior
// param kinds: list = meeting,call -- the interaction kinds that count as having met
// example:
// account_id  account  arr       person_id  person   title          level  interactions  last_seen_at
// acc-a       Acme     500000.0  a-cfo      Fay Lin  CFO            c_level  1           2024-01-15
// acc-a       Acme     500000.0  a-vp       Ed Park  VP Operations  vp       1           2024-05-20
MATCH (a:Account)
WHERE a.arr IS NOT NULL
WITH a
ORDER BY a.arr DESC, a.id
LIMIT $top
MATCH (p:Person)-[r:HOLDS_ROLE]->(a)
WHERE r.level IN $levels AND r.end_epoch IS NULL
  AND NOT EXISTS {
    MATCH (p)-[:PARTICIPATED]->(met:Interaction)<-[:PARTICIPATED]-(:Person)-[:MEMBER_OF]->(:Home)
    WHERE met.kind IN $kinds
  }
OPTIONAL MATCH (p)-[:PARTICIPATED]->(i:Interaction)
RETURN a.id AS account_id, a.name AS account, a.arr AS arr, p.id AS person_id,
       p.name AS person, r.title AS title, r.level AS level, count(i) AS interactions,
       max(i.at_epoch) AS last_seen_at
ORDER BY arr DESC, account_id, person_id
