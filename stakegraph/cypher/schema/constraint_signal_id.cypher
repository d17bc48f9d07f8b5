// Every Signal has a unique id.
// params: none
CREATE CONSTRAINT signal_id_unique IF NOT EXISTS FOR (s:Signal) REQUIRE s.id IS UNIQUE
