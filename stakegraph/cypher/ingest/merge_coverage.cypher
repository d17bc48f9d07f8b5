// Coverage spans, merged on <source>|<account_id or empty>: a span for every account (no
// account) or for one account, linked to it. A re-import replaces the dates and kinds.
// params: $rows, $run_id
UNWIND $rows AS row
MERGE (c:Coverage {id: row.id})
SET c.source = row.source, c.account_id = row.account_id, c.kinds = row.kinds,
    c.start = row.start, c.start_epoch = row.start_epoch, c.end = row.end,
    c.end_epoch = row.end_epoch, c.import_run = $run_id
WITH c, row
MATCH (a:Organization {id: row.account_id})
MERGE (a)-[:HAS_COVERAGE]->(c)
