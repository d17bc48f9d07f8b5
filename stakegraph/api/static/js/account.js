// Account page: facts, the stakeholder map with its date slider and evidence, the table
// alternative, signals, re-mapping suggestions (warm path on the map) and metric timelines.

import {api, encode} from './api.js';
import {clear, dayBefore, fmt, h, message, tierBadge} from './dom.js';
import {timelineChart} from './charts.js';
import {FLAG_BADGES, StakeholderMap, engagementOf} from './stakeholder-map.js';

const FLAG_MEANING = {
  champion: 'their (not departed) person with the most tie strength to us',
  bottleneck: 'carries at least half of all tie strength between the two sides',
  articulation_point: 'removing them disconnects the map',
  departed: 'their role at the account ended on or before this date',
  silent_executive: 'a VP or C-level of theirs with no interaction in the window',
};

const CHARTS = [
  {title: 'Centralization', digits: 2, series: [
    {metric: 'degree_centralization', label: 'degree'},
    {metric: 'betweenness_centralization', label: 'betweenness'}]},
  {title: 'Relationship depth (0–100)', digits: 0, series: [
    {metric: 'depth_score', label: 'depth score'}]},
  {title: 'Contacts engaged', digits: 0, series: [
    {metric: 'contacts_engaged', label: 'contacts'},
    {metric: 'senior_contacts_engaged', label: 'senior contacts'}]},
  {title: 'Reply latency (hours, median)', digits: 1, scale: 1 / 3600, series: [
    {metric: 'their_reply_latency_s', label: 'theirs'},
    {metric: 'our_reply_latency_s', label: 'ours'}]},
];

export async function renderAccount(view, signal, accountId) {
  const path = `accounts/${encode(accountId)}`;
  view.append(message('info', 'Loading the account…'));
  const [detail, firstMap, firstSuggestions] = await Promise.all([
    api(path, {signal}),
    api(`${path}/map`, {signal}),
    api(`${path}/suggestions`, {signal}),
  ]);
  clear(view);

  const weeks = detail.timeline.window_end.map(dayBefore);
  const people = new Map();
  const page = {map: firstMap, suggestions: firstSuggestions, pinned: null, selectedSuggestion: null};

  // --- layout --------------------------------------------------------------------------------
  const cyContainer = h('div', {id: 'cy', role: 'img', 'aria-roledescription': 'stakeholder map',
    'aria-label': 'Stakeholder map; the tables below list the same people and ties'});
  const evidence = h('aside', {class: 'evidence panel', id: 'evidence', 'aria-live': 'polite',
    'aria-label': 'Evidence'});
  const asOfOutput = h('output', {id: 'as-of-output', for: 'as-of'}, firstMap.as_of);
  const slider = h('input', {type: 'range', id: 'as-of', min: 0, max: Math.max(0, weeks.length - 1),
    step: 1, value: Math.max(0, weeks.length - 1), disabled: weeks.length < 2,
    'aria-valuetext': firstMap.as_of});
  const peopleTable = h('table', {class: 'data', id: 'people-table'});
  const tiesTable = h('table', {class: 'data', id: 'ties-table'});
  const mapCaption = h('p', {class: 'muted small', id: 'map-caption'});
  const signalsList = h('div', {id: 'signals'});
  const suggestionsList = h('div', {id: 'suggestions'});
  const chartsBox = h('div', {class: 'charts', id: 'timelines'});

  view.append(
    h('p', {class: 'crumbs'}, h('a', {href: '#/'}, '← Portfolio')),
    h('div', {class: 'account-head'}, h('h1', {}, detail.name ?? detail.id),
      tierBadge(detail.risk_tier, detail.risk_tier_label)),
    facts(detail),
    h('div', {class: 'account-grid'},
      h('section', {class: 'panel', 'aria-labelledby': 'map-title'},
        h('h2', {id: 'map-title'}, 'Stakeholder map'),
        h('div', {class: 'map-toolbar'},
          h('fieldset', {},
            h('legend', {}, 'Layout'),
            layoutRadio('grid', 'Level × function', true),
            layoutRadio('force', 'Force-directed', false)),
          h('div', {class: 'slider'},
            h('label', {for: 'as-of'}, 'As of week'), slider, asOfOutput),
          h('button', {type: 'button', class: 'secondary', onclick: () => stakeholderMap.fit()},
            'Fit')),
        cyContainer,
        legend(),
        mapCaption,
        evidence,
        h('details', {id: 'map-tables'},
          h('summary', {}, 'The map as tables (people and ties)'),
          h('h3', {}, 'People'), h('div', {class: 'table-scroll'}, peopleTable),
          h('h3', {}, 'Ties'), h('div', {class: 'table-scroll'}, tiesTable))),
      h('div', {class: 'stack'},
        h('section', {class: 'panel', 'aria-labelledby': 'suggestions-title'},
          h('h2', {id: 'suggestions-title'}, 'Re-mapping suggestions'),
          h('div', {class: 'scroll-box'}, suggestionsList)),
        h('section', {class: 'panel', 'aria-labelledby': 'signals-title'},
          h('h2', {id: 'signals-title'}, 'Open signals'), signalsList),
        riskFactors(detail))),
    h('section', {class: 'panel', 'aria-labelledby': 'timelines-title', style: {marginTop: '1rem'}},
      h('h2', {id: 'timelines-title'}, 'Timelines'),
      h('p', {class: 'muted small'}, 'Weekly, trailing 90-day windows. Red dashed lines: signals ' +
        'raised; orange line: the week the map shows.'),
      chartsBox),
  );

  // --- map -----------------------------------------------------------------------------------
  const stakeholderMap = new StakeholderMap(cyContainer, {onSelect: (selection) => {
    if (selection.kind === 'restore') return showEvidence(page.pinned);
    if (selection.hover) return showEvidence(selection);
    page.pinned = selection.kind ? selection : null;
    showEvidence(page.pinned);
  }});
  window.stakegraph = {map: stakeholderMap};

  function layoutRadio(value, label, checked) {
    const id = `layout-${value}`;
    return h('span', {},
      h('input', {type: 'radio', name: 'layout', id, value, checked,
        onchange: () => stakeholderMap.setLayout(value)}),
      h('label', {for: id}, ` ${label}`));
  }

  function drawMap(map) {
    page.map = map;
    page.pinned = null;
    people.clear();
    for (const node of map.nodes) people.set(node.id, node);
    stakeholderMap.draw(map);
    cyContainer.dataset.asOf = map.as_of;
    cyContainer.dataset.nodes = String(map.nodes.length);
    cyContainer.dataset.edges = String(map.edges.length);
    const ours = map.nodes.filter((n) => n.is_ours).length;
    mapCaption.textContent = `${map.nodes.length} people (${ours} ours, ${map.nodes.length - ours} ` +
      `theirs) and ${map.edges.length} ties from interactions ${map.window_start} to ` +
      `${dayBefore(map.window_end)}. Size = engagement, width = tie strength, ` +
      `opacity = recency.`;
    drawTables(map);
    showEvidence(null);
  }

  function drawTables(map) {
    const engagement = engagementOf(map);
    const select = (id, kind) => () => {
      stakeholderMap.select(id);
      page.pinned = {kind, id};
      showEvidence(page.pinned);
    };
    const rowKeys = (handler) => (e) => { if (e.key === 'Enter') handler(); };
    clear(peopleTable).append(
      h('caption', {class: 'visually-hidden'}, 'People on the map'),
      h('thead', {}, h('tr', {}, ['Name', 'Side', 'Title', 'Level', 'Function', 'Flags',
        'Interactions'].map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, [...map.nodes].sort((a, b) => (engagement.get(b.id) - engagement.get(a.id)))
        .map((node) => {
          const open = select(node.id, 'node');
          return h('tr', {tabindex: 0, class: 'clickable', dataset: {personId: node.id},
            onclick: open, onkeydown: rowKeys(open)},
          h('th', {scope: 'row'}, node.name ?? node.id),
          h('td', {}, side(node)), h('td', {}, node.title ?? '–'),
          h('td', {}, fmt.words(node.level)), h('td', {}, fmt.words(node.function)),
          h('td', {}, flags(node.flags)), h('td', {class: 'num'}, engagement.get(node.id)));
        })));
    clear(tiesTable).append(
      h('caption', {class: 'visually-hidden'}, 'Ties on the map'),
      h('thead', {}, h('tr', {}, ['From', 'To', 'Strength', 'Interactions', 'Last',
        'Days since'].map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, map.edges.map((edge, i) => ({edge, i}))
        .sort((a, b) => b.edge.strength - a.edge.strength)
        .map(({edge, i}) => {
          const open = select(`tie-${i}`, 'edge');
          return h('tr', {tabindex: 0, class: 'clickable', onclick: open, onkeydown: rowKeys(open)},
            h('td', {}, nameOf(edge.source)), h('td', {}, nameOf(edge.target)),
            h('td', {class: 'num'}, fmt.num(edge.strength, 3)),
            h('td', {class: 'num'}, edge.interactions), h('td', {}, fmt.date(edge.last_at)),
            h('td', {class: 'num'}, edge.days_since_last));
        })));
  }

  function nameOf(id) {
    return people.get(id)?.name ?? id;
  }

  function showEvidence(selection) {
    clear(evidence);
    const map = page.map;
    if (!selection || !selection.kind) {
      evidence.append(h('h3', {}, 'Evidence'),
        h('p', {class: 'muted'}, 'Hover over or click a person or a tie to see who they are ' +
          'and the interactions behind the tie. Click a suggestion to see its warm path.'));
      return;
    }
    if (selection.kind === 'node') {
      const node = people.get(selection.id);
      if (!node) return;
      const ties = map.edges.filter((e) => e.source === node.id || e.target === node.id)
        .sort((a, b) => b.strength - a.strength);
      evidence.append(
        h('h3', {}, node.name ?? node.id), h('p', {}, side(node), ' · ', node.title ?? 'no title'),
        h('p', {class: 'muted small'}, `${fmt.words(node.level)} · ${fmt.words(node.function)} · ${node.id}`),
        node.flags.length ? h('ul', {}, node.flags.map((f) => h('li', {}, flags([f]), ' ',
          FLAG_MEANING[f] ?? ''))) : null,
        h('p', {}, `${ties.length} ties, ${ties.reduce((n, e) => n + e.interactions, 0)} interactions ` +
          'in the window'),
        h('ul', {}, ties.slice(0, 8).map((edge) => h('li', {},
          h('strong', {}, nameOf(edge.source === node.id ? edge.target : edge.source)),
          ` — strength ${fmt.num(edge.strength, 3)}, ${edge.interactions} interactions, last ` +
          `${fmt.date(edge.last_at)}`, evidenceList(edge)))),
      );
    } else if (selection.id.startsWith('reports-')) {
      const line = (map.reporting_lines ?? [])[Number(selection.id.replace('reports-', ''))];
      if (!line) return;
      evidence.append(
        h('h3', {}, `${nameOf(line.report)} → ${nameOf(line.manager)}`),
        h('p', {}, `${nameOf(line.report)} reports to ${nameOf(line.manager)} since ${line.since}` +
          `${line.until ? ` (until ${line.until})` : ''}: a reporting line of the org chart.`));
    } else {
      const edge = map.edges[Number(selection.id.replace('tie-', ''))];
      if (!edge) return;
      evidence.append(
        h('h3', {}, `${nameOf(edge.source)} ↔ ${nameOf(edge.target)}`),
        h('p', {}, `Strength ${fmt.num(edge.strength, 3)} · ${edge.interactions} interactions · ` +
          `last ${fmt.date(edge.last_at)} (${edge.days_since_last} days before ${map.as_of})`),
        h('p', {class: 'muted small'}, 'Latest interactions:'), evidenceList(edge));
    }
  }

  // --- slider --------------------------------------------------------------------------------
  let loadToken = 0;
  let debounce = null;
  slider.addEventListener('input', () => {
    const asOf = weeks[Number(slider.value)];
    asOfOutput.textContent = asOf;
    slider.setAttribute('aria-valuetext', asOf);
    charts.forEach((chart) => chart.setCursor(Date.parse(asOf) / 1000));
    clearTimeout(debounce);
    debounce = setTimeout(() => loadAt(asOf), 250);
  });

  async function loadAt(asOf) {
    const token = ++loadToken;
    cyContainer.classList.add('loading');
    try {
      const [map, suggestions] = await Promise.all([
        api(`${path}/map`, {query: {as_of: asOf}, signal}),
        api(`${path}/suggestions`, {query: {as_of: asOf}, signal}),
      ]);
      if (token !== loadToken) return;
      page.suggestions = suggestions;
      drawMap(map);
      drawSuggestions();
    } catch (error) {
      if (error.name !== 'AbortError') mapCaption.textContent = `Could not load the map: ${error.message}`;
    } finally {
      if (token === loadToken) cyContainer.classList.remove('loading');
    }
  }

  // --- suggestions and signals ---------------------------------------------------------------
  function drawSuggestions() {
    const data = page.suggestions.data;
    const previous = page.selectedSuggestion;
    page.selectedSuggestion = null;
    clear(suggestionsList);
    suggestionsList.append(h('p', {class: 'muted small'}, data.length
      ? `${data.length} senior stakeholders to re-map as of ${page.suggestions.as_of}. ` +
        'Click one (or press Enter) to see its path on the map.'
      : `Every senior stakeholder is reached by two or more of us as of ${page.suggestions.as_of}.`));
    const items = data.map((suggestion, index) => {
      const item = h('li', {class: 'suggestion', tabindex: 0, role: 'button', 'aria-pressed': 'false',
        dataset: {index: String(index), stakeholder: suggestion.stakeholder.id},
        onclick: () => toggle(index), onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(index); }
        }},
      h('div', {class: 'who'}, suggestion.stakeholder.name ?? suggestion.stakeholder.id, ' ',
        h('span', {class: `reach ${suggestion.reach}`}, fmt.words(suggestion.reach))),
      h('div', {class: 'small'}, suggestion.stakeholder.title ?? fmt.words(suggestion.stakeholder.level)),
      h('div', {class: 'small'}, suggestion.suggested
        ? ['→ ', h('span', {class: 'side ours'}, suggestion.suggested.name ?? suggestion.suggested.id),
          ` (${suggestion.suggested.title ?? '–'}), score ${fmt.num(suggestion.score?.total, 2)}`]
        : 'nobody of ours has capacity left'),
      h('div', {class: 'small'}, suggestion.hops?.length
        ? `warm path: ${[suggestion.hops[0].from, ...suggestion.hops.map((hop) => hop.to)]
          .map((p) => p.name ?? p.id).join(' → ')} (${suggestion.hops.length} hop` +
          `${suggestion.hops.length === 1 ? '' : 's'}, strength ${fmt.num(suggestion.path_strength, 4)})`
        : 'cold introduction (no warm path)'),
      suggestion.hops?.length
        ? h('ol', {class: 'hops small'}, suggestion.hops.map((hop) => h('li', {},
          `${hop.from.name ?? hop.from.id} → ${hop.to.name ?? hop.to.id}: `,
          h('span', {class: `hop-kind ${hop.kind}`}, HOP_KINDS[hop.kind] ?? hop.kind),
          ` (${fmt.num(hop.strength, 3)}; ${hopEvidence(hop)})`)))
        : null,
      h('p', {class: 'reason'}, suggestion.reason));
      return item;
    });
    const list = h('ul', {class: 'list'}, items);
    suggestionsList.append(list);

    function toggle(index) {
      const selected = page.selectedSuggestion === index ? null : index;
      page.selectedSuggestion = selected;
      items.forEach((item, i) => item.setAttribute('aria-pressed', String(i === selected)));
      if (selected === null) stakeholderMap.clearHighlight();
      else stakeholderMap.highlightSuggestion(data[selected]);
    }
    // Keep the same stakeholder highlighted when the week changes, if still suggested.
    if (previous !== null) {
      const again = data.findIndex((s) => s.stakeholder.id === stakeholderMap.highlighted?.stakeholder.id);
      stakeholderMap.clearHighlight();
      if (again >= 0) toggle(again);
    }
  }

  function drawSignals() {
    const signals = detail.signals;
    clear(signalsList);
    if (!signals.length) {
      signalsList.append(h('p', {class: 'muted'}, 'No open signals.'));
      return;
    }
    signalsList.append(h('ul', {class: 'list'}, signals.map((s) => h('li', {},
      h('div', {}, h('strong', {}, fmt.words(s.kind)), ` · ${fmt.date(s.at)}`,
        s.severity === null ? '' : ` · severity ${fmt.num(s.severity, 2)}`),
      s.summary ? h('div', {class: 'small'}, s.summary) : null,
      s.people.length ? h('div', {class: 'small muted'}, 'Concerns: ',
        s.people.map((p) => p.name ?? p.id).join(', ')) : null,
      s.evidence === null || s.evidence === undefined ? null
        : h('details', {}, h('summary', {class: 'small'}, 'Evidence'),
          h('pre', {class: 'small'}, typeof s.evidence === 'string' ? s.evidence
            : JSON.stringify(s.evidence, null, 2)))))));
  }

  // --- timelines -----------------------------------------------------------------------------
  const xs = detail.timeline.window_end.map((t) => Date.parse(t) / 1000);
  // Every signal raised over the timeline, not only the open ones.
  const markers = (detail.signal_history ?? detail.signals)
    .map((s) => ({t: Date.parse(s.at) / 1000, label: s.kind}));
  const charts = [];
  for (const spec of CHARTS) {
    const series = spec.series.filter((s) => detail.timeline.metrics[s.metric])
      .map((s) => ({label: s.label, values: detail.timeline.metrics[s.metric]
        .map((v) => (v === null ? null : v * (spec.scale ?? 1)))}));
    if (!series.length || !xs.length) continue;
    const box = h('div', {class: 'chart', role: 'img', 'aria-label': `${spec.title} over time`});
    const figure = h('figure', {style: {margin: '0'}}, h('h3', {}, spec.title), box);
    chartsBox.append(figure);
    const chart = timelineChart(box, {title: spec.title, xs, series, markers, digits: spec.digits});
    chart.setCursor(Date.parse(firstMap.as_of) / 1000);
    charts.push(chart);
  }
  if (!charts.length) chartsBox.append(h('p', {class: 'muted'}, 'No snapshots yet: run `stakegraph analyze`.'));

  drawMap(firstMap);
  drawSuggestions();
  drawSignals();
  if (weeks.length) {
    const index = weeks.indexOf(firstMap.as_of);
    if (index >= 0) slider.value = String(index);
  }

  view.dataset.ready = 'account';
  return () => {
    clearTimeout(debounce);
    charts.forEach((chart) => chart.destroy());
    stakeholderMap.destroy();
    if (window.stakegraph?.map === stakeholderMap) delete window.stakegraph;
  };
}

function facts(detail) {
  const item = (label, value) => h('li', {}, h('span', {}, label), value);
  return h('ul', {class: 'facts'},
    item('Segment', fmt.segment(detail.segment)), item('ARR', fmt.money(detail.arr)),
    item('Renewal', fmt.date(detail.renewal_date)), item('Risk', fmt.num(detail.risk_score, 3)),
    item('Open signals', String(detail.open_signals)), item('Analyzed', fmt.date(detail.analyzed_at)),
    item('Owner', detail.owner_id ?? '–'), item('Id', detail.id),
    item('Data', coverage(detail.data_coverage ?? [])));
}

// When each source's data is complete; without any, the traffic tells when the data ended.
function coverage(spans) {
  if (!spans.length) return 'no coverage declared';
  return spans.map((span) => {
    const kinds = span.kinds.length ? ` (${span.kinds.join(', ')})` : '';
    const end = span.end ? fmt.date(span.end) : 'connected';
    return `${span.source}${kinds}: ${fmt.date(span.start)} – ${end}`;
  }).join('; ');
}

function riskFactors(detail) {
  if (!detail.risk_factors.length) return null;
  return h('section', {class: 'panel', 'aria-labelledby': 'factors-title'},
    h('h2', {id: 'factors-title'}, 'Risk factors'),
    h('table', {class: 'data'},
      h('thead', {}, h('tr', {}, ['Factor', 'Value', 'Contribution']
        .map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, detail.risk_factors.map((f) => h('tr', {},
        h('td', {}, fmt.words(f.factor)), h('td', {class: 'num'}, fmt.num(f.value, 3)),
        h('td', {class: 'num'}, fmt.num(f.contribution, 3)))))));
}

function side(node) {
  return h('span', {class: `side ${node.is_ours ? 'ours' : 'theirs'}`}, node.is_ours ? 'ours' : 'theirs');
}

function flags(list) {
  return list.map((f) => h('span', {class: `flag ${f}`},
    `${FLAG_BADGES[f]?.glyph ?? ''} ${FLAG_BADGES[f]?.text ?? f}`));
}

function evidenceList(edge) {
  return h('ul', {class: 'small'}, edge.evidence.map((e) =>
    h('li', {}, `${fmt.date(e.at)} ${e.kind}`, e.subject ? ` — “${e.subject}”` : '')));
}

function legend() {
  const item = (...children) => h('li', {}, ...children);
  return h('ul', {class: 'legend', 'aria-label': 'Legend'},
    item(h('span', {class: 'swatch ours'}), 'our team (squares)'),
    item(h('span', {class: 'swatch theirs'}), 'their people (circles)'),
    Object.keys(FLAG_BADGES).map((flag) => item(flags([flag]))),
    item('size = engagement · width = tie strength · faint = not recent'));
}

const HOP_KINDS = {reports_to: 'reporting line', tie: 'interactions', co_attended: 'met together',
  knows: 'known acquaintance', former_colleague: 'former colleagues'};

/** The dates and counts behind one hop of a warm path, in words. */
function hopEvidence(hop) {
  const e = hop.evidence ?? {};
  switch (hop.kind) {
    case 'reports_to': {
      const name = (id) => (id === hop.from.id ? hop.from.name : id === hop.to.id ? hop.to.name : null) ?? id;
      return `${name(e.report)} reports to ${name(e.manager)}, since ${e.since}`;
    }
    case 'tie': return `${e.interactions} interactions, last ${e.last}`;
    case 'co_attended': return `${e.meetings} meeting${e.meetings === 1 ? '' : 's'} together, last ${e.last}`;
    case 'former_colleague': return `at ${e.organization}, ${e.from} to ${e.until}`;
    default: return `declared${e.source ? `, ${e.source}` : ''}${e.since ? `, since ${e.since}` : ''}`;
  }
}
