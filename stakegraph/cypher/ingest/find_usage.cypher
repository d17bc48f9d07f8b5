// Which of these usage measurements are already in the store, with their element ids.
// params: $ids
UNWIND $ids AS id
MATCH (u:Usage {id: id})
RETURN u.id AS id, elementId(u) AS element_id
