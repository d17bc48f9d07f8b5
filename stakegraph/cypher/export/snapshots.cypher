// Every snapshot (one per account per window), as property maps (numbers only).
// params: none
MATCH (:Account)-[:HAS_SNAPSHOT]->(s:Snapshot)
RETURN properties(s) AS snapshot
