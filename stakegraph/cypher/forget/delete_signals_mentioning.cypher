// Signals whose evidence or summary names one of these ids, addresses or names.
// params: $ids
MATCH (s:Signal)
WHERE any(x IN $ids WHERE s.evidence CONTAINS x OR s.summary CONTAINS x)
DETACH DELETE s
