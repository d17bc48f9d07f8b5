// Explore (analysts): the curated explorations with a form for their parameters, a free
// read-only query editor, results as a sortable table (instants shown as dates), a small
// graph when the rows hold nodes and relationships, and CSV download.

import cytoscape from '../vendor/cytoscape.esm.min.js';
import {api, encode} from './api.js';
import {csvText} from './csv.js';
import {clear, h, message} from './dom.js';

const FREE = 'free-query';
const INPUT_TYPES = {int: 'number', float: 'number', date: 'date', text: 'text', list: 'text'};
// Kept across visits in this tab: the list, and what was typed in the free query.
const state = {
  explorations: null,
  query: 'MATCH (a:Account)\nRETURN a.name AS name, a.arr AS arr, a.renewal_epoch AS renewal_at\n' +
    'ORDER BY arr DESC',
  parameters: '{}',
  limit: 100,
};

export async function renderExplore(view, signal, name) {
  view.append(h('h1', {}, 'Explore'), message('info', 'Loading the explorations…'));
  state.explorations ??= (await api('explore', {signal})).data;
  clear(view);
  const selected = decodeURIComponent(name ?? state.explorations[0]?.name ?? FREE);
  const results = h('section', {id: 'explore-results', class: 'stack', 'aria-live': 'polite'});
  const exploration = state.explorations.find((e) => e.name === selected);
  view.append(
    h('h1', {}, 'Explore'),
    h('div', {class: 'explore-grid'},
      h('nav', {class: 'panel explore-list', 'aria-label': 'Explorations'},
        h('ul', {class: 'list'},
          state.explorations.map((e) => listItem(e.name, e.title, e.name === selected)),
          listItem(FREE, 'Free query (read-only Cypher)', selected === FREE))),
      h('div', {class: 'stack'},
        exploration ? explorationForm(exploration, results, signal)
          : selected === FREE ? freeQueryForm(results, signal)
            : message('error', `No exploration named ${selected}.`),
        results)),
  );
  view.dataset.ready = 'explore';
}

function listItem(name, title, current) {
  return h('li', {},
    h('a', {href: `#/explore/${encode(name)}`, 'aria-current': current ? 'page' : null,
      dataset: {exploration: name}}, title),
    h('div', {class: 'muted small'}, name));
}

function explorationForm(exploration, results, signal) {
  const fields = exploration.parameters.map((p) => {
    const id = `param-${p.name}`;
    const value = ['null', 'required'].includes(p.default_text) ? '' : p.default_text;
    const input = h('input', {id, name: p.name, type: INPUT_TYPES[p.type] ?? 'text', value,
      step: p.type === 'float' ? 'any' : null, required: p.required,
      placeholder: p.type === 'list' ? 'a,b,c' : p.default_text === 'null' ? 'null' : null,
      'aria-describedby': `${id}-help`});
    return h('div', {class: 'field'},
      h('label', {for: id}, p.name, h('span', {class: 'muted small'}, ` ${p.type}`)),
      input,
      h('div', {id: `${id}-help`, class: 'muted small'},
        `${p.description} (default: ${p.default_text})`));
  });
  const limit = limitField();
  const form = h('form', {class: 'panel stack', id: 'exploration-form',
    dataset: {exploration: exploration.name},
    onsubmit: async (event) => {
      event.preventDefault();
      const parameters = {};
      for (const p of exploration.parameters) {
        const raw = form.elements[p.name].value.trim();
        if (raw !== '') parameters[p.name] = raw;  // the server converts text by type
      }
      await show(results, exploration.title, signal, () => api(`explore/${encode(exploration.name)}`,
        {method: 'POST', body: {parameters, limit: Number(limit.input.value)}, signal}));
    }},
  h('h2', {}, exploration.title),
  h('p', {}, exploration.question),
  fields.length ? h('div', {class: 'fields'}, fields) : h('p', {class: 'muted'}, 'No parameters.'),
  h('div', {class: 'form-actions'}, limit.field, h('button', {type: 'submit', id: 'run'}, 'Run')));
  return form;
}

function freeQueryForm(results, signal) {
  const query = h('textarea', {id: 'free-query', rows: 8, spellcheck: 'false',
    'aria-describedby': 'free-query-help'});
  query.value = state.query;
  const parameters = h('textarea', {id: 'free-parameters', rows: 2, spellcheck: 'false'});
  parameters.value = state.parameters;
  const limit = limitField();
  const problem = h('p', {class: 'error', role: 'alert', hidden: true});
  const form = h('form', {class: 'panel stack', id: 'free-form',
    onsubmit: async (event) => {
      event.preventDefault();
      state.query = query.value;
      state.parameters = parameters.value;
      let values;
      try {
        values = JSON.parse(parameters.value || '{}');
      } catch (error) {
        problem.hidden = false;
        problem.textContent = `Parameters: not JSON (${error.message})`;
        return;
      }
      problem.hidden = true;
      await show(results, 'Free query', signal, () => api('cypher', {method: 'POST',
        body: {query: query.value, parameters: values, limit: Number(limit.input.value)}, signal}));
    }},
  h('h2', {}, 'Free query'),
  h('p', {id: 'free-query-help', class: 'muted'},
    'One read-only Cypher statement, with the same guarantees and limits as POST /api/cypher: ',
    'anything that would change the graph is refused and rolled back. Values go in as $parameters.'),
  h('label', {for: 'free-query'}, 'Cypher'), query,
  h('label', {for: 'free-parameters'}, 'Parameters (JSON object)'), parameters,
  problem,
  h('div', {class: 'form-actions'}, limit.field, h('button', {type: 'submit', id: 'run'}, 'Run')));
  return form;
}

function limitField() {
  const input = h('input', {id: 'limit', type: 'number', min: 1, max: 1000, value: state.limit,
    onchange: (e) => { state.limit = Number(e.target.value) || 100; }});
  return {input, field: h('span', {}, h('label', {for: 'limit'}, 'At most '), input, ' rows')};
}

async function show(results, title, signal, fetchResult) {
  clear(results).append(message('info', 'Running…'));
  delete results.dataset.ready;
  let result;
  try {
    result = await fetchResult();
  } catch (error) {
    if (signal.aborted) return;
    clear(results).append(message('error', error.message ?? String(error)));
    results.dataset.ready = 'error';
    return;
  }
  const columns = result.columns.map((name) => ({name, instant: instantKind(name, result.rows)}));
  const table = resultTable(columns, result.rows);
  const graph = graphOf(result.rows, columns);
  const download = h('button', {type: 'button', class: 'secondary', id: 'download-csv',
    onclick: () => downloadCsv(title, columns, table.sortedRows())}, 'Download CSV');
  clear(results).append(...[
    h('div', {class: 'result-head'},
      h('p', {class: 'summary', id: 'result-summary'},
        `${result.count} row${result.count === 1 ? '' : 's'}`,
        result.truncated ? ' (cut at the limit: more rows exist)' : ''),
      download),
    graph.nodes.length ? graphView(graph) : null,
    h('div', {class: 'table-scroll'}, table.element),
  ].filter(Boolean));
  window.stakegraph = {...window.stakegraph, explore: {columns, rows: result.rows, graph}};
  results.dataset.ready = 'result';
}

// --- dates ---------------------------------------------------------------------------------
// As stakegraph.workbench.frames: numbers in a column named like an instant of the data model
// (at, window_start, window_end, *_at, *_epoch) are epoch seconds; ISO 8601 text is a date or
// a datetime. Everything is shown in UTC, a midnight as a plain date.

const ISO_TEMPORAL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?(\[[^\]]+\])?)?$/;

export function isInstantName(name) {
  return ['at', 'window_start', 'window_end'].includes(name) || /_(at|epoch)$/.test(name);
}

function instantKind(name, rows) {
  const present = rows.map((row) => row[name]).filter((v) => v !== null && v !== undefined);
  if (!present.length) return null;
  if (isInstantName(name) && present.every((v) => typeof v === 'number')) return 'epoch';
  if (present.every((v) => typeof v === 'string' && ISO_TEMPORAL.test(v))) return 'iso';
  return null;
}

function toDate(value, kind) {
  if (value === null || value === undefined) return null;
  if (kind === 'epoch') return new Date(value * 1000);
  // Drop a zone name and digits beyond milliseconds, which Date does not read.
  const text = value.replace(/\[[^\]]+\]$/, '').replace(/(\.\d{3})\d+/, '$1');
  return new Date(/T/.test(text) && !/(Z|[+-]\d{2}:\d{2})$/.test(text) ? `${text}Z` : text);
}

export function formatDate(date) {
  if (!date || Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function cellText(value, column) {
  if (value === null || value === undefined) return '';
  if (column.instant) return formatDate(toDate(value, column.instant));
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function sortKey(value, column) {
  if (value === null || value === undefined) return null;
  if (column.instant) return toDate(value, column.instant).getTime();
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

// --- the table -----------------------------------------------------------------------------

function resultTable(columns, rows) {
  const order = {column: null, descending: false};
  const headerRow = h('tr');
  const tbody = h('tbody');
  const element = h('table', {class: 'data', id: 'result-table'},
    h('caption', {class: 'visually-hidden'}, 'Result; sort with the column buttons'),
    h('thead', {}, headerRow), tbody);
  const sortedRows = () => {
    if (!order.column) return rows;
    const column = order.column;
    const sign = order.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = sortKey(a[column.name], column);
      const y = sortKey(b[column.name], column);
      if (x === null) return y === null ? 0 : 1; // missing values last, either way
      if (y === null) return -1;
      const both = typeof x === 'number' && typeof y === 'number';
      return sign * (both ? x - y : String(x).localeCompare(String(y)));
    });
  };
  const draw = () => {
    clear(headerRow).append(...columns.map((column) => {
      const active = order.column === column;
      const arrow = active ? (order.descending ? ' ▼' : ' ▲') : '';
      return h('th', {scope: 'col',
        'aria-sort': active ? (order.descending ? 'descending' : 'ascending') : 'none'},
      h('button', {type: 'button', class: 'sort', dataset: {sort: column.name},
        onclick: () => {
          order.descending = active ? !order.descending : false;
          order.column = column;
          draw();
          headerRow.querySelector(`[data-sort="${CSS.escape(column.name)}"]`)?.focus();
        }}, column.name, h('span', {'aria-hidden': 'true'}, arrow)));
    }));
    clear(tbody).append(...sortedRows().map((row) => h('tr', {},
      columns.map((column) => {
        const value = row[column.name];
        const numeric = typeof value === 'number' && !column.instant;
        return h('td', {class: numeric ? 'num' : null,
          dataset: column.instant && value !== null && value !== undefined
            ? {value: String(value)} : null}, cellText(value, column));
      }))));
  };
  draw();
  return {element, sortedRows};
}

function downloadCsv(title, columns, rows) {
  const instantText = (value, kind) => toDate(value, kind).toISOString().replace('.000Z', 'Z');
  const text = csvText(columns, rows, instantText);
  const url = URL.createObjectURL(new Blob([text], {type: 'text/csv'}));
  const link = h('a', {href: url, download: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- the graph -----------------------------------------------------------------------------
// The runner ships a node as the map of its properties, a relationship as
// [start node, TYPE, end node] and a path as [node, TYPE, node, TYPE, node, ...] (the
// driver's plain-data form). A row value of that shape is drawn; a node is known by its `id`.

// A relationship returned without its end nodes carries empty maps for them: not drawable.
const isNode = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) &&
  Object.keys(v).length > 0;
const isType = (v) => typeof v === 'string' && /^[A-Z][A-Z0-9_]*$/.test(v);

function isChain(value) {
  if (!Array.isArray(value) || value.length < 3 || value.length % 2 === 0) return false;
  return value.every((v, i) => (i % 2 === 0 ? isNode(v) : isType(v)));
}

export function graphOf(rows, columns) {
  const nodes = new Map();
  const edges = new Map();
  const keyOf = (node) => String(node.id ?? JSON.stringify(node));
  const addNode = (node) => {
    const key = keyOf(node);
    if (!nodes.has(key)) nodes.set(key, {id: key, label: String(node.name ?? node.id ?? key), node});
    return key;
  };
  const chains = [];
  for (const row of rows) {
    for (const {name} of columns) {
      const value = row[name];
      if (isChain(value)) chains.push(value);
    }
  }
  if (!chains.length) return {nodes: [], edges: []};
  for (const chain of chains) {
    for (let i = 0; i + 2 < chain.length; i += 2) {
      const source = addNode(chain[i]);
      const target = addNode(chain[i + 2]);
      const key = `${source}|${chain[i + 1]}|${target}`;
      if (!edges.has(key)) edges.set(key, {id: key, source, target, label: chain[i + 1]});
    }
  }
  return {nodes: [...nodes.values()], edges: [...edges.values()]};
}

function graphView(graph) {
  const box = h('div', {id: 'explore-graph', role: 'img',
    'aria-label': `Graph of the result: ${graph.nodes.length} nodes, ${graph.edges.length} relationships (the table below holds the same data)`});
  const panel = h('div', {class: 'panel'},
    h('h2', {}, 'Graph'),
    h('p', {class: 'muted small'},
      `${graph.nodes.length} nodes, ${graph.edges.length} relationships from the result's paths and relationships.`),
    box);
  // Drawn once the box is in the page, so Cytoscape can measure it.
  requestAnimationFrame(() => {
    const cy = cytoscape({
      container: box,
      elements: [
        ...graph.nodes.map((n) => ({data: {id: n.id, label: n.label}})),
        ...graph.edges.map((e) => ({data: e})),
      ],
      style: [
        {selector: 'node', style: {label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom',
          'text-margin-y': 3, width: 22, height: 22, 'background-color': '#6d28d9',
          color: '#1f2933', 'text-outline-color': '#ffffff', 'text-outline-width': 2}},
        // Types as edge labels only while they stay readable.
        {selector: 'edge', style: {label: graph.edges.length <= 30 ? 'data(label)' : '',
          'font-size': 9, width: 2,
          'line-color': '#94a3b8', 'target-arrow-shape': 'triangle',
          'target-arrow-color': '#94a3b8', 'curve-style': 'bezier', color: '#52606d',
          'text-background-color': '#ffffff', 'text-background-opacity': 1}},
      ],
      layout: {name: graph.nodes.length <= 12 ? 'circle' : 'cose', animate: false},
      wheelSensitivity: 0.3,
    });
    window.stakegraph.explore.cy = cy;
  });
  return panel;
}
