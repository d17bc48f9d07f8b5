// Engagements run by a forgotten person of ours lose who ran them.
// params: $person_ids
MATCH (e:Engagement)
WHERE e.our_person_id IN $person_ids
SET e.our_person_id = null
