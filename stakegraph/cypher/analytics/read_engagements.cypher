// Every engagement (engagements.csv) before $until (epoch seconds), for the co-innovation
// and business-review signals: one row per account, each engagement a list
// [kind, at, status, person_id] (the order of ENGAGEMENT_FRAME_COLUMNS after account_id).
// params: $until
MATCH (a:Account)-[:HAD_ENGAGEMENT]->(e:Engagement)
WHERE e.date_epoch < $until
RETURN a.id AS account_id, collect([e.kind, e.date_epoch, e.status, e.person_id]) AS engagements
