// Remove the derived ties of these accounts, reached from the people they point to (the
// account's tie_targets, written in the same transaction as the ties). Why this way, on
// ArcadeDB: a scan of every TIE walks every person's relationships (~3M, mostly
// PARTICIPATED); a person's incoming relationships are few (TIE, KNOWS), while the
// outgoing ones of our own people run to thousands. Measured per batch of 100 accounts:
// scan 0.85 s, from the ties' sources 0.4 s, from their targets ~0.1 s (in a read).
// The person is matched first, on its own: with the pattern written in one piece the
// planner started from the unbound end and scanned every person per row.
// Accounts analysed before tie_targets existed are cleared by delete_unstamped_ties.
// params: $account_ids
UNWIND $account_ids AS account_id
MATCH (a:Organization {id: account_id})
UNWIND coalesce(a.tie_targets, []) AS person_id
MATCH (b:Person {id: person_id})
MATCH (b)<-[t:TIE]-(:Person)
WHERE t.account_id = account_id
DELETE t
