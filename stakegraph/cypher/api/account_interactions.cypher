// Interactions about an account in [$start, $end), each with its participants.
// The time filter is applied after the traversal on purpose: ArcadeDB otherwise plans it
// as a range scan of every interaction's at_epoch (measured 10x slower).
// params: $account_id, $start, $end
MATCH (:Account {id: $account_id})<-[:ABOUT]-(i:Interaction)
WITH i
WHERE i.at_epoch >= $start AND i.at_epoch < $end
RETURN i.id AS id, i.kind AS kind, i.at_epoch AS at, i.subject AS subject,
       i.thread_id AS thread_id, i.reply_latency_s AS reply_latency_s,
       coalesce(i.bulk, false) AS bulk,
       [(i)<-[r:PARTICIPATED]-(p:Person) | {person_id: p.id, role: r.as}] AS participants
