// Key stakeholders gone silent before a renewal
// question: Which people at key levels (VP and C-level by default) of accounts renewing
// within $renewal_days days have been in no interaction for at least $silent_days days?
// Someone never seen in any interaction is listed too (last_seen_at and days_silent empty).
// params: $as_of, $renewal_days, $silent_days, $levels
// param as_of: date = null -- look from this day; null: each account's last analysis date
// param renewal_days: int = 90 -- the account renews within this many days after as_of
// param silent_days: int = 30 -- at least this many days since the person's last interaction
// param levels: list = vp,c_level -- the levels of a key stakeholder's current role
// example:
// account_id  account  renewal_at  person_id  person    title  level    last_seen_at  days_silent
// acc-c       Cyan     2024-08-01  c-cfo      Cara Vos  CFO    c_level
// acc-c       Cyan     2024-08-01  c-ceo      Cy Ode    CEO    c_level  2024-03-01    121
// acc-a       Acme     2024-09-15  a-cfo      Fay Lin   CFO    c_level  2024-01-15    167
MATCH (a:Account)
WITH a, coalesce($as_of, a.analyzed_at) AS look_from
WHERE a.renewal_epoch >= look_from AND a.renewal_epoch < look_from + $renewal_days * 86400
MATCH (p:Person)-[r:HOLDS_ROLE]->(a)
WHERE r.level IN $levels AND r.start_epoch <= look_from
  AND (r.end_epoch IS NULL OR r.end_epoch > look_from)
OPTIONAL MATCH (p)-[:PARTICIPATED]->(i:Interaction)
WHERE i.at_epoch < look_from
WITH a, look_from, p, r, max(i.at_epoch) AS last_seen
WHERE last_seen IS NULL OR last_seen <= look_from - $silent_days * 86400
RETURN a.id AS account_id, a.name AS account, a.renewal_epoch AS renewal_at,
       p.id AS person_id, p.name AS person, r.title AS title, r.level AS level,
       last_seen AS last_seen_at,
       CASE WHEN last_seen IS NULL THEN null ELSE (look_from - last_seen) / 86400 END
         AS days_silent
ORDER BY renewal_at, account_id, coalesce(last_seen, 0), person_id
