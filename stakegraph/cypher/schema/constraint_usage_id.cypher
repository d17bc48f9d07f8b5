// Every Usage measurement has a unique id.
// params: none
CREATE CONSTRAINT usage_id_unique IF NOT EXISTS FOR (u:Usage) REQUIRE u.id IS UNIQUE
