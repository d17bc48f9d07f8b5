// A role's reporting line names one manager: drop the line an earlier import stated for the
// same role (person, organization, role_key) when this import names another manager or none.
// params: $rows
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})-[l:REPORTS_TO]->(m:Person)
WHERE l.organization_id = row.organization_id AND l.role_key = row.role_key
  AND (row.reports_to IS NULL OR m.id <> row.reports_to)
DELETE l
