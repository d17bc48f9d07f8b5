// Every usage measurement before $until (epoch seconds), for the usage signals: one row
// per account, field by field as read_interactions (a list per field of
// USAGE_FRAME_COLUMNS after account_id; tier may be missing, so it holds the tiers present
// and is followed by a list of whether each measurement has one).
// params: $until
MATCH (u:Usage)
WHERE u.date_epoch < $until
RETURN u.account_id AS account_id,
       collect(u.date_epoch) AS at,
       collect(u.metric) AS metric,
       collect(u.value) AS value,
       collect(u.tier) AS tier,
       collect(u.tier IS NOT NULL) AS has_tier
