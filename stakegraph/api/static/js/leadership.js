export async function renderLeadership(view) { view.append('todo'); }
