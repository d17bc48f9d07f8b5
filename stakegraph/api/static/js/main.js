// Entry point: the API key dialog and a hash router over the five views.

import {apiKey, onUnauthorized} from './api.js';
import {clear, message} from './dom.js';
import {renderPortfolio} from './portfolio.js';
import {renderAccount} from './account.js';
import {renderLeadership} from './leadership.js';
import {renderExplore} from './explore.js';
import {renderKpis} from './kpis.js';
import {renderStandup} from './standup.js';
import {renderPlays} from './plays.js';

const view = document.getElementById('view');
const dialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');
const keyError = document.getElementById('key-error');

const routes = [
  {pattern: /^#?\/?$/, name: 'portfolio', render: (signal) => renderPortfolio(view, signal)},
  {pattern: /^#\/accounts\/([^/?]+)$/, name: 'portfolio',
    render: (signal, id) => renderAccount(view, signal, decodeURIComponent(id))},
  {pattern: /^#\/standup$/, name: 'standup', render: (signal) => renderStandup(view, signal)},
  {pattern: /^#\/leadership$/, name: 'leadership', render: (signal) => renderLeadership(view, signal)},
  {pattern: /^#\/kpis$/, name: 'kpis', render: (signal) => renderKpis(view, signal)},
  {pattern: /^#\/plays$/, name: 'plays', render: (signal) => renderPlays(view, signal)},
  {pattern: /^#\/explore(?:\/([^/?]+))?$/, name: 'explore',
    render: (signal, name) => renderExplore(view, signal, name)},
];

// Each visit to a view gets an AbortController: leaving the view aborts its requests, so a
// slow answer for the previous page never draws over the current one.
let current = null;

async function route() {
  if (current) {
    current.abort();
    current.cleanup?.();
  }
  const visit = new AbortController();
  current = visit;
  clear(view);
  delete view.dataset.ready;
  if (!apiKey.get()) {
    view.append(message('info', 'Enter your API key to start.'));
    askForKey();
    return;
  }
  const hash = window.location.hash || '#/';
  const match = routes.map((r) => ({r, m: hash.match(r.pattern)})).find(({m}) => m);
  document.querySelectorAll('[data-nav]').forEach((link) => {
    if (match && link.dataset.nav === match.r.name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
  if (!match) {
    view.append(message('error', `No such page: ${hash}`));
    return;
  }
  try {
    const cleanup = await match.r.render(visit.signal, ...match.m.slice(1));
    if (visit.signal.aborted) cleanup?.();
    else visit.cleanup = cleanup;
  } catch (error) {
    if (visit.signal.aborted) return;
    clear(view).append(message('error', error.message ?? String(error)));
  }
}

function askForKey(reason) {
  keyError.hidden = !reason;
  keyError.textContent = reason ?? '';
  keyInput.value = '';
  if (!dialog.open) dialog.showModal();
  keyInput.focus();
}

document.getElementById('key-form').addEventListener('submit', () => {
  if (keyInput.value.trim()) {
    apiKey.set(keyInput.value);
    route();
  }
});
document.getElementById('key-forget').addEventListener('click', () => {
  apiKey.clear();
  dialog.close();
  route();
});
document.getElementById('key-button').addEventListener('click', () => askForKey());
onUnauthorized((detail) => askForKey(`The server refused the key: ${detail}`));

window.addEventListener('hashchange', route);
route();
