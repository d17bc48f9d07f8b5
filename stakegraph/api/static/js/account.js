export async function renderAccount(view, id) { view.append('todo ' + id); }
