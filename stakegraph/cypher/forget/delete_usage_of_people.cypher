// Usage measured per person (usage.csv person_id): their rows go with them.
// params: $person_ids
MATCH (u:Usage)
WHERE u.person_id IN $person_ids
DETACH DELETE u
