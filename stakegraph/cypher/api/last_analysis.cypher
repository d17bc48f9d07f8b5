// The exclusive end of the latest analysis run's window (null before any analysis).
// params: none
MATCH (a:Account)
RETURN max(a.analyzed_at) AS analyzed_at
