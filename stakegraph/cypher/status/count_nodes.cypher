// Nodes per label (a node with several labels counts under each).
// params: none
MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label
