// Interactions per epoch day (UTC): where the data ends (analytics/data_end.py).
// params: none
MATCH (i:Interaction)
RETURN i.at_epoch / 86400 AS day, count(*) AS interactions
