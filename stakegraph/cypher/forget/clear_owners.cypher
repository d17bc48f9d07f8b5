// Accounts owned by a forgotten person lose their owner.
// params: $person_ids
MATCH (o:Organization)
WHERE o.owner_id IN $person_ids
SET o.owner_id = null
