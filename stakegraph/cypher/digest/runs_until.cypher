// Digest runs of any scope that reported on an analysis dated at or before $as_of, newest
// analysis first (where a digest --since a date finds the risk tiers of that date).
// params: $as_of, $top
MATCH (r:DigestRun)
WHERE r.analyzed_at <= $as_of
RETURN r.id AS id, r.analyzed_at AS analyzed_at, r.state AS state
ORDER BY analyzed_at DESC, r.ran_at DESC, id
LIMIT $top
