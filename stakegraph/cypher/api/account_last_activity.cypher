// Epoch of the account's latest interaction (null when it has none).
// params: $account_id
MATCH (a:Account {id: $account_id})
OPTIONAL MATCH (a)<-[:ABOUT]-(i:Interaction)
RETURN max(i.at_epoch) AS last_at
