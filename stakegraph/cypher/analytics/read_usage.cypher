// Every usage measurement before $until (epoch seconds), for the usage signals: one row
// per account, each measurement a list [at, metric, value, tier] (the order of
// USAGE_FRAME_COLUMNS after account_id). One row per account, as read_interactions: the
// driver's cost is per record, and accounts hold hundreds of measurements.
// params: $until
MATCH (u:Usage)
WHERE u.date_epoch < $until
RETURN u.account_id AS account_id,
       collect([u.date_epoch, u.metric, u.value, u.tier]) AS measurements
