// The time of the latest interaction (null when there is none).
// params: none
MATCH (i:Interaction)
RETURN max(i.at_epoch) AS latest
