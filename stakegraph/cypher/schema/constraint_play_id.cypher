// Every Play has a unique id (made from the account and the request id that opened it).
// params: none
CREATE CONSTRAINT play_id_unique IF NOT EXISTS FOR (p:Play) REQUIRE p.id IS UNIQUE
