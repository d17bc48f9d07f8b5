// Accounts whose last analysis recorded ties to these people lose them from tie_targets
// (the ties themselves go with the people).
// params: $person_ids
MATCH (a:Organization)
WHERE a.tie_targets IS NOT NULL AND any(x IN a.tie_targets WHERE x IN $person_ids)
SET a.tie_targets = [x IN a.tie_targets WHERE NOT x IN $person_ids]
