// The people an address names: by id (people met by address) or listed in their emails.
// params: $ids
UNWIND $ids AS address
MATCH (p:Person)
WHERE p.id = address OR address IN p.emails
RETURN DISTINCT p.id AS id, p.emails AS emails, p.name AS name
