// Every Coverage span has a unique id.
// params: none
CREATE CONSTRAINT coverage_id_unique IF NOT EXISTS FOR (c:Coverage) REQUIRE c.id IS UNIQUE
