// The stakeholder map drawn with Cytoscape.js: a level × function grid (our team on the
// left, theirs on the right) or a force-directed layout; size = engagement, width = tie
// strength, opacity = recency; flags as badges; reporting lines dotted, arrow to the
// manager; a suggestion's warm path highlighted, each hop labelled with its kind.

import cytoscape from '../vendor/cytoscape.esm.min.js';

export const LEVELS = ['c_level', 'vp', 'director', 'manager', 'ic'];
export const FUNCTIONS = ['executive', 'engineering', 'product', 'it', 'operations', 'finance',
  'procurement', 'legal', 'sales', 'marketing', 'support', 'hr', 'other'];
const LEVEL_NAMES = {c_level: 'C-level', vp: 'VP', director: 'Director', manager: 'Manager',
  ic: 'IC', unknown: 'Unknown level'};

export const FLAG_BADGES = {
  champion: {glyph: '★', text: 'champion'},
  bottleneck: {glyph: '▲', text: 'bottleneck'},
  articulation_point: {glyph: '◆', text: 'articulation point'},
  departed: {glyph: '✕', text: 'departed'},
  silent_executive: {glyph: '◌', text: 'silent executive'},
};

const COLORS = {ours: '#0f766e', theirs: '#6d28d9', departed: '#9ca3af', path: '#e11d48',
  champion: '#ca8a04', bottleneck: '#dc2626', silent: '#4338ca', edge: '#475569',
  reports: '#64748b'};
const SLOT = 86; // horizontal room of one person in a grid cell
const PER_LINE = 3; // people side by side in one cell before wrapping
const LINE = 70; // vertical room of one line of people
const BLOCK_GAP = 80; // between our block and theirs
const MAX_HEIGHT = 640; // of the map, in pixels
const MIN_HEIGHT = 360;

const STYLE = [
  {selector: 'node.person, node.ghost', style: {
    width: 'data(size)', height: 'data(size)', label: 'data(label)',
    'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 3, 'text-wrap': 'wrap',
    'text-max-width': 82, color: '#1f2933', 'text-outline-color': '#ffffff',
    'text-outline-width': 2, 'border-width': 1, 'border-color': '#ffffff',
  }},
  {selector: 'node.ours', style: {shape: 'round-rectangle', 'background-color': COLORS.ours}},
  {selector: 'node.theirs', style: {shape: 'ellipse', 'background-color': COLORS.theirs}},
  {selector: 'node.silent_executive', style: {'background-opacity': 0.25,
    'border-width': 3, 'border-style': 'dotted', 'border-color': COLORS.silent}},
  {selector: 'node.departed', style: {'background-color': COLORS.departed,
    'border-width': 2, 'border-style': 'dashed', 'border-color': '#4b5563', opacity: 0.75}},
  {selector: 'node.bottleneck', style: {'border-width': 5, 'border-color': COLORS.bottleneck,
    'border-style': 'solid'}},
  {selector: 'node.champion', style: {'border-width': 5, 'border-color': COLORS.champion,
    'border-style': 'double'}},
  {selector: 'node.axis', style: {
    label: 'data(label)', 'background-opacity': 0, 'border-width': 0, width: 1, height: 1,
    'font-size': 11, color: '#52606d', 'text-valign': 'center', 'text-halign': 'center',
    'font-weight': 600, events: 'no',
  }},
  {selector: 'node.axis.block', style: {'font-size': 14, color: '#1f2933'}},
  {selector: 'node.axis.block.ours', style: {color: COLORS.ours}},
  {selector: 'node.axis.block.theirs', style: {color: COLORS.theirs}},
  {selector: 'edge', style: {
    width: 'data(width)', opacity: 'data(opacity)', 'line-color': COLORS.edge,
    'curve-style': 'unbundled-bezier', 'control-point-distances': 'data(bend)',
    'control-point-weights': 0.5,
  }},
  {selector: 'edge.reports', style: {'line-style': 'dotted', 'line-color': COLORS.reports,
    width: 2, opacity: 0.9, 'target-arrow-shape': 'triangle', 'target-arrow-color': COLORS.reports,
    'arrow-scale': 0.8, 'curve-style': 'bezier'}},
  {selector: 'node:selected', style: {'overlay-color': '#f59e0b', 'overlay-opacity': 0.25,
    'overlay-padding': 6}},
  {selector: 'edge:selected', style: {'line-color': '#f59e0b', opacity: 1}},
  {selector: '.faded', style: {opacity: 0.12}},
  {selector: 'edge.path-edge', style: {'line-color': COLORS.path, opacity: 1,
    width: 'mapData(strength, 0, 1, 4, 12)', 'z-index': 10}},
  // Ties are undirected; the arrow shows which way the introduction runs along the path.
  {selector: 'edge.path-forward', style: {'target-arrow-shape': 'triangle',
    'target-arrow-color': COLORS.path}},
  {selector: 'edge.path-backward', style: {'source-arrow-shape': 'triangle',
    'source-arrow-color': COLORS.path}},
  {selector: 'node.path-node', style: {'overlay-color': COLORS.path, 'overlay-opacity': 0.18,
    'overlay-padding': 7, opacity: 1, 'z-index': 10}},
  {selector: 'node.suggestion-target', style: {'border-width': 5, 'border-color': COLORS.path,
    'border-style': 'solid'}},
  {selector: 'node.suggestion-source', style: {'border-width': 5, 'border-color': COLORS.path,
    'border-style': 'solid'}},
  {selector: 'node.ghost', style: {'background-opacity': 0.35, 'border-style': 'dashed'}},
  {selector: 'edge.ghost', style: {'line-style': 'dashed', 'line-color': COLORS.path,
    width: 3, opacity: 1, 'target-arrow-shape': 'triangle', 'target-arrow-color': COLORS.path,
    label: 'data(label)', 'font-size': 10, color: COLORS.path, 'text-background-color': '#fff',
    'text-background-opacity': 1, 'text-rotation': 'autorotate'}},
];

/** Engagement of each person: the interactions on their ties in the window. */
export function engagementOf(map) {
  const engagement = new Map(map.nodes.map((n) => [n.id, 0]));
  for (const edge of map.edges) {
    engagement.set(edge.source, (engagement.get(edge.source) ?? 0) + edge.interactions);
    engagement.set(edge.target, (engagement.get(edge.target) ?? 0) + edge.interactions);
  }
  return engagement;
}

export function nodeLabel(node) {
  const badges = node.flags.map((f) => FLAG_BADGES[f]?.glyph).filter(Boolean).join('');
  return badges ? `${badges} ${node.name ?? node.id}` : node.name ?? node.id;
}

export class StakeholderMap {
  /**
   * @param {HTMLElement} container
   * @param {{onSelect: (selection: {kind: 'node'|'edge'|null, id?: string}) => void}} handlers
   */
  constructor(container, {onSelect}) {
    this.container = container;
    this.onSelect = onSelect;
    this.layoutMode = 'grid';
    this.map = null;
    this.highlighted = null;
    this.cy = cytoscape({
      container, style: STYLE, minZoom: 0.15, maxZoom: 2.5,
      boxSelectionEnabled: false,
    });
    this.cy.on('tap', 'node.person, edge', (e) => onSelect({kind: e.target.isNode() ? 'node' : 'edge',
      id: e.target.id()}));
    this.cy.on('tap', (e) => { if (e.target === this.cy) onSelect({kind: null}); });
    this.cy.on('mouseover', 'node.person, edge', (e) => {
      container.style.cursor = 'pointer';
      onSelect({kind: e.target.isNode() ? 'node' : 'edge', id: e.target.id(), hover: true});
    });
    this.cy.on('mouseout', 'node.person, edge', () => {
      container.style.cursor = '';
      onSelect({kind: 'restore'});
    });
  }

  /** Draw a map (the API's StakeholderMapPublic); keeps the layout mode and any highlight. */
  draw(map) {
    this.map = map;
    const suggestion = this.highlighted;
    this.clearHighlight();
    const engagement = engagementOf(map);
    const maxEngagement = Math.max(1, ...engagement.values());
    const windowDays = Math.max(1, (Date.parse(map.window_end) - Date.parse(map.window_start)) / 864e5);
    const elements = [];
    for (const node of map.nodes) {
      const e = engagement.get(node.id) ?? 0;
      elements.push({group: 'nodes', classes: ['person', node.is_ours ? 'ours' : 'theirs', ...node.flags],
        data: {id: node.id, label: nodeLabel(node), engagement: e,
          size: Math.round(16 + 34 * Math.sqrt(e / maxEngagement))}});
    }
    map.edges.forEach((edge, i) => {
      elements.push({group: 'edges', classes: 'tie', data: {
        id: `tie-${i}`, source: edge.source, target: edge.target, strength: edge.strength, bend: 0,
        width: 1 + 11 * Math.sqrt(edge.strength),
        opacity: Math.max(0.15, 1 - edge.days_since_last / windowDays),
      }});
    });
    // The org chart: who reports to whom on the map's date (arrow to the manager).
    (map.reporting_lines ?? []).forEach((line, i) => {
      elements.push({group: 'edges', classes: 'reports', data: {
        id: `reports-${i}`, source: line.report, target: line.manager, strength: 0.6, bend: 0,
        width: 2, opacity: 0.9,
      }});
    });
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
      this.cy.add(axisNodes(map));
    });
    this.applyLayout();
    if (suggestion) this.highlightSuggestion(suggestion);
  }

  setLayout(mode) {
    this.layoutMode = mode;
    this.applyLayout();
  }

  applyLayout() {
    const axes = this.cy.nodes('.axis');
    // The grid picks its arrangement for the tallest the map may grow to, then the map's
    // height follows the grid's shape (no empty bands above and below a wide grid).
    const aspect = Math.max(0.3, this.container.clientWidth / MAX_HEIGHT);
    const positions = gridPositions(this.map, aspect);
    this.cy.nodes().forEach((n) => { n.position(positions.get(n.id()) ?? {x: 0, y: 0}); });
    if (this.layoutMode === 'force') {
      this.setHeight(MAX_HEIGHT);
      axes.style('display', 'none');
      this.cy.elements('node.person, edge.tie').layout({
        name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
        idealEdgeLength: (edge) => 60 + 120 * (1 - Math.sqrt(edge.data('strength'))),
        nodeRepulsion: () => 9000, gravity: 0.6, numIter: 1500, fit: false,
      }).run();
      this.cy.edges().data('bend', 0);
      this.cy.fit(this.cy.nodes('.person'), 24);
      return;
    }
    axes.style('display', 'element');
    // Ties within one row would run straight through the people between them: arc them.
    this.cy.edges().forEach((edge) => {
      const a = edge.source().position();
      const b = edge.target().position();
      const flat = Math.abs(a.y - b.y) < 30;
      edge.data('bend', flat ? Math.min(120, 0.18 * Math.abs(a.x - b.x)) : 0);
    });
    const box = this.cy.elements().boundingBox();
    const fitted = (this.container.clientWidth * (box.h + 60)) / (box.w + 60);
    this.setHeight(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.round(fitted))));
    this.cy.fit(undefined, 24);
  }

  setHeight(height) {
    if (this.container.clientHeight === height) return;
    this.container.style.height = `${height}px`;
    this.cy.resize();
  }

  /** Select a person or a tie (from the tables), centring it. */
  select(id) {
    const element = this.cy.getElementById(id);
    if (element.empty()) return;
    this.cy.elements().unselect();
    element.select();
    this.cy.animate({center: {eles: element}, duration: 200});
  }

  /** Highlight a suggestion: its stakeholder, our suggested person and the warm path. */
  highlightSuggestion(suggestion) {
    this.clearHighlight();
    this.highlighted = suggestion;
    const cy = this.cy;
    const people = new Map();
    people.set(suggestion.stakeholder.id, {...suggestion.stakeholder, is_ours: false});
    if (suggestion.suggested) people.set(suggestion.suggested.id, suggestion.suggested);
    for (const hop of suggestion.hops ?? []) {
      if (!people.has(hop.from.id)) people.set(hop.from.id, hop.from);
      if (!people.has(hop.to.id)) people.set(hop.to.id, hop.to);
    }
    cy.batch(() => {
      // People not on the map (our executive who has not met them yet) join as ghosts.
      const anchor = cy.getElementById(suggestion.stakeholder.id);
      let offset = 0;
      for (const person of people.values()) {
        if (!cy.getElementById(person.id).empty()) continue;
        const base = anchor.nonempty() ? anchor.position() : {x: 0, y: 0};
        offset += 1;
        cy.add({group: 'nodes', classes: `ghost person-ghost ${person.is_ours ? 'ours' : 'theirs'}`,
          data: {id: person.id, label: person.name ?? person.id, size: 26},
          position: {x: base.x - 160 * offset, y: base.y + 40}});
      }
      const pathEdges = [];
      const hops = suggestion.hops ?? [];
      // A hop runs over the drawn edge of its kind (a tie, or a reporting line), else a ghost
      // edge labelled with its kind (a shared meeting, an acquaintance, a former colleague).
      const drawn = {tie: '.tie', reports_to: '.reports'};
      hops.forEach((hop, i) => {
        const selector = drawn[hop.kind];
        const among = selector ? cy.edges(selector) : cy.collection();
        const forward = among.filter((e) =>
          e.source().id() === hop.from.id && e.target().id() === hop.to.id);
        const backward = among.filter((e) =>
          e.source().id() === hop.to.id && e.target().id() === hop.from.id);
        forward.addClass('path-forward');
        backward.addClass('path-backward');
        let edge = forward.union(backward);
        if (edge.empty()) {
          edge = cy.add({group: 'edges', classes: 'ghost', data: {id: `ghost-hop-${i}`,
            source: hop.from.id, target: hop.to.id, strength: hop.strength, bend: 0,
            label: hop.kind.replace('_', ' ')}});
        }
        pathEdges.push(edge);
      });
      if (!hops.length && suggestion.suggested) {
        pathEdges.push(cy.add({group: 'edges', classes: 'ghost', data: {id: 'ghost-cold',
          source: suggestion.suggested.id, target: suggestion.stakeholder.id, strength: 0, bend: 0,
          label: 'cold introduction'}}));
      }
      const pathNodes = cy.collection([...people.keys()].map((id) => cy.getElementById(id)));
      const edges = cy.collection(pathEdges.flatMap((e) => e.toArray()));
      cy.elements().not(pathNodes).not(edges).not('.axis').addClass('faded');
      pathNodes.addClass('path-node');
      edges.addClass('path-edge');
      cy.getElementById(suggestion.stakeholder.id).addClass('suggestion-target');
      if (suggestion.suggested) cy.getElementById(suggestion.suggested.id).addClass('suggestion-source');
    });
    const focus = cy.elements('.path-node, .path-edge');
    if (focus.nonempty()) {
      cy.fit(focus, 80);
      // Close enough to read, not so close that the rest of the map disappears.
      const box = focus.boundingBox();
      const centre = {x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2};
      if (cy.zoom() > 1.3) cy.zoom({level: 1.3, position: centre});
    }
  }

  clearHighlight() {
    this.highlighted = null;
    this.cy.batch(() => {
      this.cy.elements('.ghost').remove();
      this.cy.elements().removeClass(
        'faded path-node path-edge path-forward path-backward suggestion-target suggestion-source');
    });
  }

  fit() {
    this.cy.fit(undefined, 24);
  }

  destroy() {
    this.cy.destroy();
  }
}

function levelOf(node) {
  return LEVELS.includes(node.level) ? node.level : 'unknown';
}

function functionOf(node) {
  return FUNCTIONS.includes(node.function) ? node.function : 'other';
}

/**
 * The grid: one block per side, rows = levels (C-level on top), columns = functions present.
 * The blocks sit side by side (ours left) or stacked (theirs on top), whichever lets the map
 * fill a container of the given aspect ratio (width / height) at the larger zoom.
 */
function gridPositions(map, aspect) {
  if (!map) return new Map();
  const rows = [...LEVELS, 'unknown'].filter((level) =>
    level !== 'unknown' || map.nodes.some((n) => levelOf(n) === 'unknown'));
  const blocks = [true, false]
    .map((ours) => blockGrid(map.nodes.filter((n) => n.is_ours === ours), ours, rows))
    .filter((block) => block.people > 0);
  // Rows line up across the blocks, so one level reads across the whole map.
  const lines = new Map(rows.map((level) =>
    [level, Math.max(1, ...blocks.map((b) => b.lines.get(level)))]));
  const rowY = new Map();
  let y = 56;
  for (const level of rows) {
    rowY.set(level, y);
    y += lines.get(level) * LINE + 14;
  }
  const blockHeight = y;
  const widths = blocks.map((b) => b.width);
  const side = {w: widths.reduce((a, b) => a + b, 0) + BLOCK_GAP * (blocks.length - 1), h: blockHeight};
  const stacked = {w: Math.max(...widths), h: blockHeight * blocks.length + BLOCK_GAP * (blocks.length - 1)};
  const zoom = (box) => Math.min(aspect / box.w, 1 / box.h);
  const isStacked = blocks.length > 1 && zoom(stacked) > zoom(side);
  const order = isStacked ? [...blocks].reverse() : blocks; // theirs on top when stacked
  const positions = new Map();
  let offsetX = 0;
  let offsetY = 0;
  for (const block of order) {
    for (const [id, place] of block.places) {
      positions.set(id, {x: offsetX + place.x, y: offsetY + rowY.get(place.level) + 18 + place.line * LINE});
    }
    for (const [fn, x] of block.columnX) positions.set(axisId(block.ours, 'col', fn), {x: offsetX + x, y: offsetY + 28});
    for (const level of rows) {
      positions.set(axisId(block.ours, 'row', level), {x: offsetX + 28, y: offsetY + rowY.get(level) + 18});
    }
    positions.set(axisId(block.ours, 'title'), {x: offsetX + block.width / 2, y: offsetY});
    if (isStacked) offsetY += blockHeight + BLOCK_GAP;
    else offsetX += block.width + BLOCK_GAP;
  }
  return positions;
}

/** One side's grid in its own coordinates: x of each person and column; lines per level. */
function blockGrid(people, ours, rows) {
  const columns = FUNCTIONS.filter((f) => people.some((n) => functionOf(n) === f));
  const cells = new Map();
  for (const person of [...people].sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id))) {
    const key = `${levelOf(person)}|${functionOf(person)}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(person);
  }
  const cell = (level, fn) => cells.get(`${level}|${fn}`) ?? [];
  const lines = new Map(rows.map((level) =>
    [level, Math.max(1, ...columns.map((fn) => Math.ceil(cell(level, fn).length / PER_LINE)))]));
  const places = new Map();
  const columnX = new Map();
  let x = 80; // room for the row labels
  for (const fn of columns) {
    const slots = Math.min(PER_LINE, Math.max(1, ...rows.map((level) => cell(level, fn).length)));
    columnX.set(fn, x + ((slots - 1) * SLOT) / 2);
    for (const level of rows) {
      const inCell = cell(level, fn);
      inCell.forEach((person, i) => {
        const line = Math.floor(i / PER_LINE);
        const inLine = Math.min(PER_LINE, inCell.length - line * PER_LINE);
        const pad = ((slots - inLine) * SLOT) / 2;
        places.set(person.id, {x: x + pad + (i % PER_LINE) * SLOT, level, line});
      });
    }
    x += slots * SLOT + 12;
  }
  return {ours, people: people.length, columns, columnX, places, lines, width: x};
}

function axisId(ours, kind, name = '') {
  return `axis-${ours ? 'ours' : 'theirs'}-${kind}-${name}`;
}

function axisNodes(map) {
  const nodes = [];
  const axis = (id, classes, label) => ({group: 'nodes', classes: `axis ${classes}`,
    selectable: false, grabbable: false, data: {id, label}});
  const rows = [...LEVELS, 'unknown'].filter((level) =>
    level !== 'unknown' || map.nodes.some((n) => levelOf(n) === 'unknown'));
  for (const ours of [true, false]) {
    const people = map.nodes.filter((n) => n.is_ours === ours);
    if (!people.length) continue;
    const sideClass = ours ? 'ours' : 'theirs';
    nodes.push(axis(axisId(ours, 'title'), `block ${sideClass}`, ours ? 'Our team' : 'Their people'));
    for (const level of rows) nodes.push(axis(axisId(ours, 'row', level), 'row', LEVEL_NAMES[level]));
    for (const fn of new Set(people.map(functionOf))) {
      nodes.push(axis(axisId(ours, 'col', fn), 'col', fn === 'it' ? 'IT' : fn === 'hr' ? 'HR' : fn));
    }
  }
  return nodes;
}
