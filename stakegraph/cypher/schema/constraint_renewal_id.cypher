// Every Renewal has a unique id.
// params: none
CREATE CONSTRAINT renewal_id_unique IF NOT EXISTS FOR (r:Renewal) REQUIRE r.id IS UNIQUE
