// Portfolio: every account with tier, risk, trend and open signals; sortable, filterable.

import {allAccounts, encode} from './api.js';
import {TIER_LABELS, clear, fmt, h, message, svg, tierBadge} from './dom.js';

const COLUMNS = [
  {key: 'name', label: 'Account', value: (a) => (a.name ?? a.id).toLowerCase()},
  {key: 'segment', label: 'Segment', value: (a) => a.segment},
  {key: 'arr', label: 'ARR', value: (a) => a.arr, numeric: true},
  {key: 'renewal_date', label: 'Renewal', value: (a) => a.renewal_date},
  {key: 'risk_score', label: 'Risk', value: (a) => a.risk_score, numeric: true},
  {key: 'risk_tier', label: 'Tier', value: (a) => a.risk_tier, numeric: true},
  {key: 'trend', label: 'Trend', value: (a) => a.trend?.change, numeric: true, align: 'left'},
  {key: 'open_signals', label: 'Open signals', value: (a) => a.open_signals, numeric: true},
];

// Kept across visits in this tab: going back to the portfolio keeps sort and filters.
const state = {sort: 'risk_score', descending: true, search: '', segment: '', tier: '',
  signalsOnly: false};

export async function renderPortfolio(view, signal) {
  view.append(h('h1', {}, 'Portfolio'), message('info', 'Loading accounts…'));
  const accounts = await allAccounts({signal});
  clear(view);

  const summary = h('p', {class: 'summary', id: 'portfolio-summary'});
  const tbody = h('tbody');
  const headerRow = h('tr');
  const table = h('table', {class: 'data portfolio', id: 'portfolio-table',
    'aria-describedby': 'portfolio-summary'},
  h('caption', {class: 'visually-hidden'}, 'Accounts; sort with the column buttons'),
  h('thead', {}, headerRow), tbody);

  const redraw = () => {
    const rows = sortAccounts(filterAccounts(accounts));
    drawHeader(headerRow, redraw);
    clear(tbody).append(...rows.map(accountRow));
    const risky = rows.filter((a) => (a.risk_tier ?? 0) >= 4).length;
    const signalled = rows.filter((a) => a.open_signals > 0).length;
    summary.textContent = `${rows.length} of ${accounts.length} accounts · ${risky} in the ` +
      `bottom two tiers · ${signalled} with open signals`;
  };

  view.append(
    h('h1', {}, 'Portfolio'),
    filters(accounts, redraw),
    summary,
    h('div', {class: 'table-scroll'}, table),
  );
  redraw();
  view.dataset.ready = 'portfolio';
}

function filters(accounts, redraw) {
  const segments = [...new Set(accounts.map((a) => a.segment).filter(Boolean))].sort();
  const search = h('input', {type: 'search', id: 'filter-search', value: state.search,
    placeholder: 'name or id', oninput: (e) => { state.search = e.target.value; redraw(); }});
  const segment = h('select', {id: 'filter-segment',
    onchange: (e) => { state.segment = e.target.value; redraw(); }},
  h('option', {value: ''}, 'all'),
  segments.map((s) => h('option', {value: s, selected: s === state.segment}, fmt.segment(s))));
  const tier = h('select', {id: 'filter-tier',
    onchange: (e) => { state.tier = e.target.value; redraw(); }},
  h('option', {value: ''}, 'all'),
  Object.entries(TIER_LABELS).map(([t, label]) =>
    h('option', {value: t, selected: t === state.tier}, `${t} · ${label}`)));
  const signals = h('input', {type: 'checkbox', id: 'filter-signals', checked: state.signalsOnly,
    onchange: (e) => { state.signalsOnly = e.target.checked; redraw(); }});
  return h('form', {class: 'filters', role: 'search', 'aria-label': 'Filter accounts',
    onsubmit: (e) => e.preventDefault()},
  h('label', {for: 'filter-search'}, 'Search'), search,
  h('label', {for: 'filter-segment'}, 'Segment'), segment,
  h('label', {for: 'filter-tier'}, 'Tier'), tier,
  h('label', {class: 'check'}, signals, ' open signals only'));
}

function filterAccounts(accounts) {
  const needle = state.search.trim().toLowerCase();
  return accounts.filter((a) =>
    (!needle || `${a.name ?? ''} ${a.id}`.toLowerCase().includes(needle)) &&
    (!state.segment || a.segment === state.segment) &&
    (!state.tier || String(a.risk_tier) === state.tier) &&
    (!state.signalsOnly || a.open_signals > 0));
}

function sortAccounts(accounts) {
  const column = COLUMNS.find((c) => c.key === state.sort) ?? COLUMNS[0];
  const sign = state.descending ? -1 : 1;
  return [...accounts].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    // Missing values last whatever the direction, as the API does; ties by id.
    if (x === null || x === undefined) return y === null || y === undefined ? a.id.localeCompare(b.id) : 1;
    if (y === null || y === undefined) return -1;
    const order = column.numeric ? x - y : String(x).localeCompare(String(y));
    return order === 0 ? a.id.localeCompare(b.id) : sign * order;
  });
}

function drawHeader(row, redraw) {
  clear(row).append(...COLUMNS.map((column) => {
    const active = column.key === state.sort;
    const ariaSort = active ? (state.descending ? 'descending' : 'ascending') : 'none';
    const arrow = active ? (state.descending ? ' ▼' : ' ▲') : '';
    const numeric = column.numeric && column.align !== 'left';
    return h('th', {scope: 'col', 'aria-sort': ariaSort, class: numeric ? 'num' : null},
      h('button', {type: 'button', class: 'sort', dataset: {sort: column.key},
        onclick: () => {
          state.descending = active ? !state.descending : Boolean(column.numeric);
          state.sort = column.key;
          redraw();
          row.querySelector(`[data-sort="${column.key}"]`)?.focus();
        }}, column.label, h('span', {'aria-hidden': 'true'}, arrow)));
  }));
}

function accountRow(account) {
  const href = `#/accounts/${encode(account.id)}`;
  const open = () => { window.location.hash = href; };
  const kinds = Object.entries(account.open_signals_by_kind ?? {})
    .map(([kind, n]) => `${fmt.words(kind)} ×${n}`).join(', ');
  return h('tr', {tabindex: 0, class: 'clickable', dataset: {accountId: account.id},
    'aria-label': `${account.name ?? account.id}: open account`,
    onclick: open,
    onkeydown: (e) => { if (e.key === 'Enter') open(); }},
  h('th', {scope: 'row'}, h('a', {href, tabindex: -1}, account.name ?? account.id),
    h('div', {class: 'muted small'}, account.id)),
  h('td', {}, fmt.segment(account.segment)),
  h('td', {class: 'num'}, fmt.money(account.arr)),
  h('td', {}, fmt.date(account.renewal_date)),
  h('td', {class: 'num'}, fmt.num(account.risk_score, 3)),
  h('td', {}, tierBadge(account.risk_tier, account.risk_tier_label)),
  h('td', {}, sparkline(account.trend)),
  h('td', {class: 'num', title: kinds || null},
    account.open_signals ? h('span', {class: 'signal-count'}, account.open_signals) : '0',
    kinds ? h('div', {class: 'muted small'}, kinds) : null),
  );
}

/** An inline SVG sparkline of the list's trend (last four snapshots, oldest first). */
export function sparkline(trend, {width = 96, height = 26} = {}) {
  const values = (trend?.values ?? []).filter((v) => v !== null && Number.isFinite(v));
  const metric = fmt.words(trend?.metric ?? 'trend').toLowerCase();
  const direction = trend?.direction ?? 'unknown';
  const label = values.length
    ? `${metric}: ${values.map((v) => fmt.num(v, metric.includes('risk') ? 2 : 0)).join(', ')} (${direction})`
    : 'no trend yet';
  const box = svg('svg', {width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': label, class: `spark ${direction}`});
  box.append(svg('title', {}, document.createTextNode(label)));
  if (values.length >= 2) {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const span = hi - lo || 1;
    const points = values.map((v, i) => {
      const x = 3 + (i * (width - 6)) / (values.length - 1);
      const y = height - 3 - ((v - lo) / span) * (height - 6);
      return [x, y];
    });
    box.append(svg('polyline', {points: points.map((p) => p.join(',')).join(' '),
      fill: 'none', 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-linecap': 'round'}));
    const [x, y] = points.at(-1);
    box.append(svg('circle', {cx: x, cy: y, r: 2.5}));
  }
  return h('span', {class: 'trend'}, box, h('span', {class: `direction ${direction}`}, direction));
}
