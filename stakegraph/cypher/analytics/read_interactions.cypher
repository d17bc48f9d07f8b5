// Interactions in [$since, $until), with their participants as parallel lists (a read
// copy of the PARTICIPATED relationships: 4x fewer rows through Bolt).
// params: $since, $until
MATCH (i:Interaction)
WHERE i.at_epoch >= $since AND i.at_epoch < $until AND i.account_id IS NOT NULL
RETURN i.id AS interaction_id, i.account_id AS account_id, i.kind AS kind, i.at_epoch AS at,
       i.thread_id AS thread_id, i.reply_latency_s AS reply_latency_s,
       i.participants AS participants, i.person_ids AS person_ids, i.person_roles AS person_roles,
       coalesce(i.bulk, false) AS bulk
