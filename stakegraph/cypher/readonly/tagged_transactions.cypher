// The store's running transactions whose statement starts with a read-only run's tag.
// params: $tag
SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE currentQuery STARTS WITH $tag
RETURN transactionId
