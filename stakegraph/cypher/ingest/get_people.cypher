// Every person with their addresses and organization, for identity resolution.
// params: none
MATCH (p:Person)
RETURN p.id AS id, p.organization_id AS organization_id, p.emails AS emails,
       elementId(p) AS element_id
