// Interactions in [$since, $until), one row per account, field by field: after the
// account's id, one list per field of run.py's INTERACTION_FIELDS, in that order, the k-th
// entry of each list the account's k-th interaction. collect() skips nulls, so each field
// an interaction may lack (thread_id, reply_latency_s) holds only the values present and is
// followed by a list of whether each interaction has it; participants and bulk are never
// null, and a null in a field the import always writes fails the read (the lists' lengths
// disagree). person_ids and person_roles are the read copy of the PARTICIPATED
// relationships, a list of each per interaction. Rows per account, and lists per field
// rather than per interaction: the driver's cost is per record, per list and per value
// (at 500 accounts a list per interaction cost 6.0 s of client CPU, a list per field 2.0 s).
// params: $since, $until
MATCH (i:Interaction)
WHERE i.at_epoch >= $since AND i.at_epoch < $until AND i.account_id IS NOT NULL
RETURN i.account_id AS account_id,
       collect(i.id) AS interaction_id,
       collect(i.kind) AS kind,
       collect(i.at_epoch) AS at,
       collect(i.thread_id) AS thread_id,
       collect(i.thread_id IS NOT NULL) AS has_thread_id,
       collect(i.reply_latency_s) AS reply_latency_s,
       collect(i.reply_latency_s IS NOT NULL) AS has_reply_latency_s,
       collect(coalesce(i.participants, 0)) AS participants,
       collect(i.person_ids) AS person_ids,
       collect(i.person_roles) AS person_roles,
       collect(coalesce(i.bulk, false)) AS bulk
