// People met only as an email address (id = the lower-cased address); an existing person
// keeps its properties. Returns element ids so interactions can link them without lookups.
// params: $rows, $run_id
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
ON CREATE SET p.emails = [row.email], p.organization_id = row.organization_id,
              p.import_run = $run_id
RETURN p.id AS id, elementId(p) AS element_id
