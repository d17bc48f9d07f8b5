// New interactions with their account link and participations, all in one statement.
// Rows are lists, not maps, and nodes are found by element id: on ArcadeDB both are far
// faster than map access and index lookups (tests/ingest/synthetic.py). A row is
// [id, kind, at_epoch, subject, thread_id, in_reply_to, reply_latency_s, account_id,
//  account element id, [person element id, ...], [person id, ...], [as, ...], bulk,
//  category, severity, status, copy_key] (category, severity and status on tickets,
//  else null).
// The three participant lists are parallel. The ids and roles are also a read copy of the
// participations for bulk analytics reads, which would otherwise fetch one row per
// PARTICIPATED relationship; the roles list serves both. Indexing parallel lists sends
// fewer values than [[element id, as], ...] pairs and measured ~20% less store time per
// interaction on ArcadeDB (bench/README.md, 2026-12-06).
// params: $rows, $run_id
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[8]
CREATE (i:Interaction {id: row[0], kind: row[1], at: datetime({epochSeconds: row[2]}),
                       at_epoch: row[2], subject: row[3], thread_id: row[4],
                       in_reply_to: row[5], reply_latency_s: row[6], account_id: row[7],
                       participants: size(row[9]), person_ids: row[10], person_roles: row[11],
                       bulk: row[12], category: row[13], severity: row[14],
                       status: row[15], copy_key: row[16], import_run: $run_id})
CREATE (i)-[:ABOUT]->(a)
WITH i, row
UNWIND range(0, size(row[9]) - 1) AS k
MATCH (p) WHERE elementId(p) = row[9][k]
CREATE (p)-[:PARTICIPATED {as: row[11][k]}]->(i)
