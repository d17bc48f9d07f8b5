// Tiny DOM helpers: every piece of data goes in as text, never as HTML.

/**
 * Create an element: h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child).
 * Attributes named on* become listeners; `dataset` is an object; `style` is an object of
 * CSS properties, set through the DOM (the page's Content-Security-Policy refuses style
 * attributes); null/false attributes are left out; children may be strings, numbers,
 * nodes, arrays or null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'style') {
      Object.assign(el.style, value);
    } else if (name === 'class') {
      el.className = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** An SVG element (namespaced), with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) if (child) el.append(child);
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

const NUMBER = new Intl.NumberFormat('en', {maximumFractionDigits: 0});
const MONEY = new Intl.NumberFormat('en', {
  style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1,
});

export const fmt = {
  int: (v) => (v === null || v === undefined ? '–' : NUMBER.format(v)),
  money: (v) => (v === null || v === undefined ? '–' : MONEY.format(v)),
  num: (v, digits = 2) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits)),
  date: (v) => (v ? String(v).slice(0, 10) : '–'),
  segment: (v) => (v === 'smb' ? 'SMB' : fmt.words(v)),
  /** "c_level" -> "C level", "single_node_bottleneck" -> "Single node bottleneck". */
  words: (v) => {
    if (!v) return '–';
    const text = String(v).replaceAll('_', ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  },
};

export const TIER_LABELS = {
  1: 'likely to renew', 2: 'above average', 3: 'average', 4: 'below average', 5: 'churn risk',
};

export function tierBadge(tier, label) {
  if (tier === null || tier === undefined) return h('span', {class: 'tier tier-none'}, 'not scored');
  return h('span', {class: `tier tier-${tier}`, title: `tier ${tier} of 5`},
    `${tier} · ${label ?? TIER_LABELS[tier] ?? ''}`);
}

/** Day before an exclusive window end, as YYYY-MM-DD (the map's as_of for that week). */
export function dayBefore(isoTime) {
  const d = new Date(isoTime);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function message(kind, text) {
  return h('p', {class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, text);
}
