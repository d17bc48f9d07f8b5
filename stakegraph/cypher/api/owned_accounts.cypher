// The ids of the accounts one person owns: an account manager's scope. It takes no account
// id, so asking for another owner's account and for a missing one run the same query.
// params: $owner_id
MATCH (a:Account)
WHERE a.owner_id = $owner_id
RETURN a.id AS id
