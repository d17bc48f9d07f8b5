// Every ImportRun has a unique id.
// params: none
CREATE CONSTRAINT import_run_id_unique IF NOT EXISTS FOR (i:ImportRun) REQUIRE i.id IS UNIQUE
