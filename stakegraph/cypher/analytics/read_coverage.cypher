// Coverage spans: when each source's data is complete, for every account (account_id
// null) or for one. end_epoch is null while the source is still connected.
// params: none
MATCH (c:Coverage)
RETURN c.source AS source, c.account_id AS account_id, c.kinds AS kinds,
       c.start_epoch AS start, c.end_epoch AS end
