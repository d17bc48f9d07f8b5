// Readiness probe: the store answers a trivial query.
// params: none
RETURN 1 AS ok
