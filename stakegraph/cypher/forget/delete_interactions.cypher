// Interactions left with fewer than two people once someone is forgotten.
// params: $ids
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
DETACH DELETE i
