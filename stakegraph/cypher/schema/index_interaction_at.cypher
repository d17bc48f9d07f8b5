// Window queries filter interactions by time.
// params: none
CREATE INDEX interaction_at IF NOT EXISTS FOR (i:Interaction) ON (i.at_epoch)
