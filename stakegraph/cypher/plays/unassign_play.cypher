// Drop a play's current assignee (before assigning another, in the same transaction).
// params: $id
MATCH (p:Play {id: $id})-[r:ASSIGNED_TO]->(:Person)
DELETE r
