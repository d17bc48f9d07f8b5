// Every Engagement has a unique id.
// params: none
CREATE CONSTRAINT engagement_id_unique IF NOT EXISTS FOR (e:Engagement) REQUIRE e.id IS UNIQUE
