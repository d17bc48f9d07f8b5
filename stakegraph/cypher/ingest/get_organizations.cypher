// Every organization with its kind and domains, for identity resolution.
// params: none
MATCH (o:Organization)
RETURN o.id AS id, o.kind AS kind, o.domains AS domains, elementId(o) AS element_id
