// Every account's owner: read at each check of the read model, so that a change of owner
// is applied to what each caller may see before the model's next build.
// params: none
MATCH (a:Account)
RETURN a.id AS id, a.owner_id AS owner_id
