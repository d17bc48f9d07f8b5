// Plays: what the team does about signals (GET /api/plays, /api/plays/kpis), opened on an
// account (POST /api/accounts/{id}/plays), assigned and closed (POST /api/plays/{id}/assign,
// /close), each with whether the account's risk fell afterwards.

import {api, allAccounts, encode} from './api.js';
import {clear, fmt, h, message} from './dom.js';

const PLAYS = ['technical_usage_audit', 'value_delivery', 'executive_remapping',
  'contract_restructuring', 'milestone_stress_test'];
// The API answers plays a page at a time (GET /api/plays?limit&offset, at most 200).
const PAGE = 50;
const state = {status: '', offset: 0};

export async function renderPlays(view, signal) {
  const kpis = h('div', {id: 'play-kpis'});
  const list = h('div', {id: 'play-list', 'aria-live': 'polite'});
  const feedback = h('div', {id: 'play-feedback', 'aria-live': 'polite'});
  const pager = h('div', {id: 'play-pager', class: 'filters'});
  const status = h('select', {id: 'play-status'},
    [['', 'all'], ['open', 'open'], ['closed', 'closed']].map(([value, label]) =>
      h('option', {value, selected: value === state.status}, label)));

  const refresh = async () => {
    state.status = status.value;
    const [plays, figures] = await Promise.all([
      api('plays', {query: {status: state.status, limit: PAGE, offset: state.offset}, signal}),
      api('plays/kpis', {signal}),
    ]);
    // A page emptied under us (plays closed while filtering on open): back to the first.
    if (!plays.data.length && state.offset > 0) {
      state.offset = 0;
      return refresh();
    }
    clear(kpis).append(renderKpis(figures));
    clear(list).append(renderList(plays, act));
    clear(pager).append(...renderPager(plays, (offset) => {
      state.offset = offset;
      refresh();
    }));
    view.dataset.ready = 'plays';
  };
  // Every change goes through the API; the answer (or its refusal) is shown, then the list
  // is read again.
  const act = async (path, body, done) => {
    try {
      const play = await api(path, {method: 'POST', body, signal});
      clear(feedback).append(message('info', `${done}: ${fmt.words(play.kind)} on ${play.account_name ?? play.account_id}`));
      await refresh();
    } catch (error) {
      if (signal.aborted) return;
      clear(feedback).append(message('error', error.status === 403
        ? 'This key may read plays but not change them.'
        : `Refused: ${error.message}`));
    }
  };
  status.addEventListener('change', () => {
    state.offset = 0;
    refresh();
  });

  const accounts = await allAccounts({signal});
  view.append(
    h('h1', {}, 'Plays'),
    h('p', {class: 'muted'}, 'What the team does about a signal, who runs it, how it ended, and ' +
      'whether the account\'s risk fell in the windows after (docs/metrics.md, "Plays").'),
    kpis,
    h('h2', {style: {marginTop: '1rem'}}, 'Open a play'),
    openForm(accounts, (accountId, body) => act(`accounts/${encode(accountId)}/plays`, body, 'Opened')),
    feedback,
    h('div', {class: 'filters'}, h('label', {for: 'play-status'}, 'Status'), status),
    list,
    pager);
  await refresh();
}

function openForm(accounts, submit) {
  const account = h('select', {id: 'open-account', required: true},
    accounts.map((a) => h('option', {value: a.id}, `${a.name} (tier ${a.risk_tier ?? '–'})`)));
  const kind = h('select', {id: 'open-kind'},
    h('option', {value: ''}, 'the signal\'s prescribed play'),
    PLAYS.map((p) => h('option', {value: p}, fmt.words(p))));
  const signalId = h('input', {id: 'open-signal', placeholder: 'signal id (optional)', size: 28});
  const assignee = h('input', {id: 'open-assignee', placeholder: 'our person id (optional)', size: 18});
  const note = h('input', {id: 'open-note', placeholder: 'note', size: 24});
  return h('form', {class: 'filters', id: 'open-form', onsubmit: (e) => {
    e.preventDefault();
    const body = {};
    if (kind.value) body.kind = kind.value;
    if (signalId.value.trim()) body.signal_id = signalId.value.trim();
    if (assignee.value.trim()) body.assignee_id = assignee.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    submit(account.value, body);
  }},
  h('label', {for: 'open-account'}, 'Account'), account,
  h('label', {for: 'open-kind'}, 'Play'), kind,
  h('label', {for: 'open-signal', class: 'visually-hidden'}, 'Signal id'), signalId,
  h('label', {for: 'open-assignee', class: 'visually-hidden'}, 'Assignee'), assignee,
  h('label', {for: 'open-note', class: 'visually-hidden'}, 'Note'), note,
  h('button', {type: 'submit', id: 'open-submit'}, 'Open'));
}

function renderKpis(k) {
  const rows = k.effect.map((e) => h('tr', {},
    h('td', {class: 'num'}, e.windows), h('td', {class: 'num'}, e.measured),
    h('td', {class: 'num'}, signed(e.mean_risk_change, 3)),
    h('td', {class: 'num'}, pct(e.risk_fell_share)),
    h('td', {class: 'num'}, pct(e.tier_improved_share)),
    h('td', {class: 'num'}, signed(e.mean_depth_change, 1))));
  const outcomes = Object.entries(k.outcomes).map(([kind, counts]) =>
    `${fmt.words(kind)}: ${Object.entries(counts).map(([o, n]) => `${o.replaceAll('_', ' ')} ${n}`).join(', ')}`);
  return h('div', {class: 'panel'},
    h('p', {id: 'play-kpi-summary'}, `${k.opened} ${k.opened === 1 ? 'play' : 'plays'} opened (${k.open} open, ${k.closed} closed). `,
      outcomes.length ? `Outcomes — ${outcomes.join('; ')}.` : 'No outcome recorded yet.'),
    h('table', {class: 'data', id: 'play-effect'},
      h('caption', {class: 'visually-hidden'}, 'Risk after the plays, by windows after opening'),
      h('thead', {}, h('tr', {}, ['Windows later', 'Measured', 'Mean risk change', 'Risk fell',
        'Tier improved', 'Mean depth change'].map((c) => h('th', {scope: 'col', class: 'num'}, c)))),
      h('tbody', {}, rows)));
}

function renderPager(answer, go) {
  if (!answer.count) return [];
  const last = answer.offset + answer.data.length;
  return [
    h('span', {id: 'play-page'}, `Plays ${answer.offset + 1}-${last} of ${answer.count}`),
    h('button', {type: 'button', class: 'secondary', id: 'play-newer',
      disabled: answer.offset === 0,
      onclick: () => go(Math.max(0, answer.offset - answer.limit))}, 'Newer'),
    h('button', {type: 'button', class: 'secondary', id: 'play-older',
      disabled: last >= answer.count, onclick: () => go(last)}, 'Older'),
  ];
}

function renderList(answer, act) {
  if (!answer.data.length) return message('info', 'No plays yet.');
  return h('div', {class: 'table-scroll'}, h('table', {class: 'data', id: 'plays-table'},
    h('caption', {class: 'visually-hidden'}, 'Plays, newest first'),
    h('thead', {}, h('tr', {}, ['Account', 'Play', 'From signal', 'Opened', 'Assignee', 'Status',
      'Risk 4 windows on', 'Actions'].map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, answer.data.map((p) => h('tr', {dataset: {play: p.id}},
      h('td', {}, h('a', {href: `#/accounts/${encode(p.account_id)}`}, p.account_name ?? p.account_id)),
      h('td', {}, fmt.words(p.kind)),
      h('td', {class: 'small'}, p.signal_kind ? fmt.words(p.signal_kind) : '–'),
      h('td', {}, fmt.date(p.opened_at)),
      h('td', {}, p.assignee_name ?? p.assignee_id ?? 'unassigned'),
      h('td', {}, p.status === 'open' ? 'open'
        : `${p.outcome.replaceAll('_', ' ')}${p.next_step ? ` → ${p.next_step.replaceAll('_', ' ')}` : ''}`),
      h('td', {class: 'num'}, signed(p.effect.after[0]?.risk_change, 3)),
      h('td', {}, p.status === 'open' ? actions(p, act) : ''))))));
}

function actions(play, act) {
  const person = h('input', {'aria-label': `Assignee for ${play.id}`, placeholder: 'person id', size: 10,
    class: 'assign-input'});
  const outcome = h('select', {'aria-label': `Outcome for ${play.id}`, class: 'close-outcome'},
    play.outcome_choices.map((o) => h('option', {value: o}, o.replaceAll('_', ' '))));
  return h('div', {class: 'filters'},
    person, h('button', {type: 'button', class: 'secondary assign-button', onclick: () =>
      act(`plays/${encode(play.id)}/assign`, {assignee_id: person.value.trim()}, 'Assigned')}, 'Assign'),
    outcome, h('button', {type: 'button', class: 'close-button', onclick: () =>
      act(`plays/${encode(play.id)}/close`, {outcome: outcome.value}, 'Closed')}, 'Close'));
}

function signed(value, digits) {
  if (value === null || value === undefined) return '–';
  return `${value > 0 ? '+' : ''}${Number(value).toFixed(digits)}`;
}

function pct(value) {
  return value === null || value === undefined ? '–' : `${Math.round(100 * value)}%`;
}
