// Interactions already in the store under these copy keys (copies of one item an archive
// filed under ids of their own): the first loaded is the one kept.
// params: $copy_keys
UNWIND $copy_keys AS copy_key
MATCH (i:Interaction {copy_key: copy_key})
RETURN copy_key, min(i.id) AS id
