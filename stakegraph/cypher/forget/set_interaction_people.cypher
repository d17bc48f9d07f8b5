// The read copy of an interaction's participants without a forgotten person.
// A row is [id, person_ids, person_roles, participants].
// params: $rows
UNWIND $rows AS row
MATCH (i:Interaction {id: row[0]})
SET i.person_ids = row[1], i.person_roles = row[2], i.participants = row[3]
