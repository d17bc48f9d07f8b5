// Interactions about an account in [$start, $end), each with its participants.
// params: $account_id, $start, $end
MATCH (:Account {id: $account_id})<-[:ABOUT]-(i:Interaction)
WHERE i.at_epoch >= $start AND i.at_epoch < $end
MATCH (p:Person)-[r:PARTICIPATED]->(i)
RETURN i.id AS id, i.kind AS kind, i.at_epoch AS at, i.subject AS subject,
       i.thread_id AS thread_id, i.reply_latency_s AS reply_latency_s,
       collect({person_id: p.id, role: r.as}) AS participants
