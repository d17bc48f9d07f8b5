// The account with this id, if there is one.
// params: $account_id
MATCH (a:Account {id: $account_id})
RETURN a.id AS id, a.name AS name
