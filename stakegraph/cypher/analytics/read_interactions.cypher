// Interactions in [$since, $until), one row per account: each interaction is a list
// [id, kind, at_epoch, thread_id, reply_latency_s, participants, person_ids, person_roles,
// bulk] (that order is run.py's INTERACTION_FIELDS; person_ids and person_roles are the
// read copy of its PARTICIPATED relationships). One row per account rather than per
// interaction: the driver's cost is per record, and 1M records took ~25 s of client CPU
// against ~10 s for 2,000 rows holding the same values.
// params: $since, $until
MATCH (i:Interaction)
WHERE i.at_epoch >= $since AND i.at_epoch < $until AND i.account_id IS NOT NULL
RETURN i.account_id AS account_id,
       collect([i.id, i.kind, i.at_epoch, i.thread_id, i.reply_latency_s, i.participants,
                i.person_ids, i.person_roles, coalesce(i.bulk, false)]) AS interactions
