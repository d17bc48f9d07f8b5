// Every Snapshot has a unique id.
// params: none
CREATE CONSTRAINT snapshot_id_unique IF NOT EXISTS FOR (s:Snapshot) REQUIRE s.id IS UNIQUE
