// Which of these engagements are already in the store, with their element ids.
// params: $ids
UNWIND $ids AS id
MATCH (e:Engagement {id: id})
RETURN e.id AS id, elementId(e) AS element_id
