// Every engagement (engagements.csv) before $until (epoch seconds), for the co-innovation
// and business-review signals: one row per account, field by field as read_interactions
// (a list per field of ENGAGEMENT_FRAME_COLUMNS after account_id; person_id may be
// missing, so it holds the ids present and is followed by a list of whether each
// engagement has one).
// params: $until
MATCH (a:Account)-[:HAD_ENGAGEMENT]->(e:Engagement)
WHERE e.date_epoch < $until
RETURN a.id AS account_id,
       collect(e.kind) AS kind,
       collect(e.date_epoch) AS at,
       collect(e.status) AS status,
       collect(e.person_id) AS person_id,
       collect(e.person_id IS NOT NULL) AS has_person_id
