// Keep the $top latest digest runs of a scope; delete the older ones.
// params: $scope, $top
MATCH (r:DigestRun {scope: $scope})
WITH r ORDER BY r.seq DESC
SKIP $top
DETACH DELETE r
