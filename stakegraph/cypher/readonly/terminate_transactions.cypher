// End the store's transactions with these ids (a read-only run past its time limit).
// params: $transaction_ids
TERMINATE TRANSACTIONS $transaction_ids
