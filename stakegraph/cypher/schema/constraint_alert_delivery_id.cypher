// Every alert delivery (alert x channel x recipient) has a unique id.
// params: none
CREATE CONSTRAINT alert_delivery_id_unique IF NOT EXISTS FOR (d:AlertDelivery) REQUIRE d.id IS UNIQUE
