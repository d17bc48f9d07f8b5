// Every usage measurement before $until (epoch seconds), for the usage signals.
// params: $until
MATCH (u:Usage)
WHERE u.date_epoch < $until
RETURN u.account_id AS account_id, u.date_epoch AS at, u.metric AS metric,
       u.value AS value, u.tier AS tier
