// Interactions in [$start, $end) about any account, each with its account and participants:
// every account's trailing window in one read (the caller splits it per account).
// params: $start, $end
MATCH (i:Interaction)
WHERE i.at_epoch >= $start AND i.at_epoch < $end
MATCH (i)-[:ABOUT]->(a:Account)
RETURN a.id AS account_id, i.id AS id, i.kind AS kind, i.at_epoch AS at, i.subject AS subject,
       i.thread_id AS thread_id, i.reply_latency_s AS reply_latency_s,
       coalesce(i.bulk, false) AS bulk,
       [(i)<-[r:PARTICIPATED]-(p:Person) | {person_id: p.id, role: r.as}] AS participants
