// The snapshots this run writes that the store does not hold yet, linked to their
// account; update_snapshots then sets every snapshot's values. Snapshot ids never change
// and are never deleted and re-created in one transaction (see delete_snapshots). Two
// index look-ups per row rather than MERGE of the relationship, which re-reads all of an
// account's snapshots for each row. The account is matched as an Organization: ids are
// unique, and indexed, on that label; on ArcadeDB `(:Account {id})` scans every account
// for each row (measured 1.7 vs 0.16 ms a snapshot).
// params: $rows
UNWIND $rows AS row
OPTIONAL MATCH (kept:Snapshot {id: row.id})
WITH row WHERE kept IS NULL
MATCH (a:Organization {id: row.account_id})
CREATE (a)-[:HAS_SNAPSHOT]->(:Snapshot {id: row.id, account_id: row.account_id})
