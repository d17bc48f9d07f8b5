// Signals whose evidence text names one of these ids or addresses.
// params: $ids
MATCH (s:Signal)
WHERE any(x IN $ids WHERE s.evidence CONTAINS x OR s.summary CONTAINS x)
DETACH DELETE s
