// Every engagement (engagements.csv) before $until (epoch seconds), for the co-innovation
// and business-review signals.
// params: $until
MATCH (a:Account)-[:HAD_ENGAGEMENT]->(e:Engagement)
WHERE e.date_epoch < $until
RETURN a.id AS account_id, e.kind AS kind, e.date_epoch AS at, e.status AS status,
       e.person_id AS person_id
