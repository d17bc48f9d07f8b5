// Every digest run has a unique id ("<scope>#<sequence number>").
// params: none
CREATE CONSTRAINT digest_run_id_unique IF NOT EXISTS FOR (r:DigestRun) REQUIRE r.id IS UNIQUE
