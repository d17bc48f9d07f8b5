// Meetings and calls in [$start, $end) about any account, one row per account: each a list
// [at_epoch, person_ids]. Warm paths read who attended together over a longer history than
// the tie window (the caller splits it per account and drops broadcasts).
// params: $start, $end, $kinds
MATCH (i:Interaction)
WHERE i.at_epoch >= $start AND i.at_epoch < $end AND i.kind IN $kinds
  AND i.account_id IS NOT NULL AND NOT coalesce(i.bulk, false)
RETURN i.account_id AS account_id, collect([i.at_epoch, i.person_ids]) AS meetings
