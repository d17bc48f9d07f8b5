// One account's meetings and calls in [$start, $end), as one row: a list of
// [at_epoch, person_ids] (the per-request form of model_meetings). The time filter follows
// the traversal, as in account_interactions.
// params: $account_id, $start, $end, $kinds
MATCH (:Account {id: $account_id})<-[:ABOUT]-(i:Interaction)
WITH i
WHERE i.at_epoch >= $start AND i.at_epoch < $end AND i.kind IN $kinds
  AND NOT coalesce(i.bulk, false)
RETURN $account_id AS account_id, collect([i.at_epoch, i.person_ids]) AS meetings
