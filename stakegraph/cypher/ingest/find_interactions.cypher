// Which of these interaction ids are already in the store, and when they happened.
// params: $ids
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
RETURN i.id AS id, i.at_epoch AS at_epoch
