// The latest digest run of one scope ("all", or "owner:<person id>"), with the account
// states it recorded (JSON text); no row before the first.
// params: $scope
MATCH (r:DigestRun {scope: $scope})
RETURN r.id AS id, r.seq AS seq, r.ran_at AS ran_at, r.analyzed_at AS analyzed_at,
       r.state AS state
ORDER BY seq DESC
LIMIT 1
