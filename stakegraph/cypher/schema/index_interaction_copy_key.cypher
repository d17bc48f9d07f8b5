// Ingest looks interactions up by copy key, to store each copy of one item once.
// params: none
CREATE INDEX interaction_copy_key IF NOT EXISTS FOR (i:Interaction) ON (i.copy_key)
