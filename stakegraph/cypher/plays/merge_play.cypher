// Open a play on an account unless a play with this id exists: the id is made from the
// request id, so repeating a request creates nothing and changes nothing. The account's
// latest risk assessment is copied onto the new play as its baseline.
// params: $id, $account_id, $kind, $signal_id, $request_id, $at, $by, $note, $event
MATCH (a:Organization {id: $account_id})
MERGE (p:Play {id: $id})
ON CREATE SET p.account_id = $account_id, p.kind = $kind, p.signal_id = $signal_id,
              p.request_id = $request_id, p.status = 'open', p.opened_epoch = $at,
              p.opened_at = datetime({epochSeconds: $at}), p.opened_by = $by, p.note = $note,
              p.history = [$event], p.opened_risk_score = a.risk_score,
              p.opened_risk_tier = a.risk_tier
MERGE (a)-[:HAS_PLAY]->(p)
