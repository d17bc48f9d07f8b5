// Epoch of the latest interaction of each given account (accounts never analysed).
// params: $account_ids
UNWIND $account_ids AS account_id
MATCH (:Account {id: account_id})<-[:ABOUT]-(i:Interaction)
RETURN account_id, max(i.at_epoch) AS last_at
