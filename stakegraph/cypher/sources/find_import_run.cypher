// An import run by id (the content hash of its files), if this store has seen it.
// params: $id
MATCH (r:ImportRun {id: $id})
RETURN r.id AS id, r.status AS status
