// KPIs: the account-management KPI sheet (GET /api/kpis) over a period — figures with what
// they were computed from, groups by segment / owner / account, and charts month by month.

import {api} from './api.js';
import {clear, fmt, h, message} from './dom.js';
import {timelineChart} from './charts.js';

const form = {from: '', to: '', by: 'segment'};

// [field, label, kind]: kind 'pct' shows a fraction as a percent, 'num' a plain number.
const RATES = [
  ['customer_retention_rate', 'Customer retention', 'pct'],
  ['gross_revenue_retention', 'Gross revenue retention', 'pct'],
  ['net_revenue_retention', 'Net revenue retention', 'pct'],
  ['downgrade_rate', 'Downgrade rate', 'pct'],
  ['downgrade_to_churn_rate', 'Downgrade to churn', 'pct'],
  ['qbr_engagement_rate', 'QBR engagement', 'pct'],
  ['post_renewal_engagement_rate', 'Post-renewal engagement', 'pct'],
  ['multi_role_share', 'Multi-role engagement', 'pct'],
  ['warm_intro_offer_rate', 'Warm intro offers', 'pct'],
  ['mean_depth_score', 'Mean relationship depth', 'num'],
  ['mean_churn_risk', 'Mean churn risk', 'num'],
];

const CHARTS = [
  {title: 'Retention (%)', digits: 0, series: [
    ['customer_retention_rate', 'customers'], ['gross_revenue_retention', 'gross revenue'],
    ['net_revenue_retention', 'net revenue']]},
  {title: 'Engagement (%)', digits: 0, series: [
    ['qbr_engagement_rate', 'QBRs attended'], ['post_renewal_engagement_rate', 'after renewal'],
    ['multi_role_share', 'multi-role']]},
  {title: 'Relationship depth (mean, 0–100)', digits: 0, scale: 1, series: [
    ['mean_depth_score', 'depth']]},
  {title: 'Renewals due and downgrades', digits: 0, counts: true},
];

const show = (rate, kind) => {
  if (!rate || rate.value === null || rate.value === undefined) return '–';
  return kind === 'pct' ? `${fmt.num(100 * rate.value, 1)}%` : fmt.num(rate.value, 2);
};

export async function renderKpis(view, signal) {
  const result = h('div', {id: 'kpis', 'aria-live': 'polite'});
  const from = h('input', {id: 'kpi-from', name: 'from', type: 'date', value: form.from});
  const to = h('input', {id: 'kpi-to', name: 'to', type: 'date', value: form.to});
  const by = h('select', {id: 'kpi-by', name: 'by'},
    [['', 'portfolio only'], ['segment', 'segment'], ['owner', 'owner'], ['account', 'account']]
      .map(([value, label]) => h('option', {value, selected: value === form.by}, label)));
  let charts = [];
  const destroyCharts = () => { charts.forEach((c) => c.destroy()); charts = []; };

  const load = async () => {
    Object.assign(form, {from: from.value, to: to.value, by: by.value});
    clear(result).append(message('info', 'Computing…'));
    destroyCharts();
    try {
      const sheet = await api('kpis', {query: form, signal});
      clear(result).append(...renderSheet(sheet));
      charts = drawCharts(result.querySelector('#kpi-charts'), sheet.series);
      view.dataset.ready = 'kpis';
    } catch (error) {
      if (signal.aborted) return;
      clear(result).append(message('error', `Could not compute the KPIs: ${error.message}`));
    }
  };

  view.append(
    h('h1', {}, 'KPIs'),
    h('p', {class: 'muted'}, 'Over the renewals due and the engagements held in the period ' +
      '(no dates: all history). “To” is the first day after the period. A dash means there was ' +
      'nothing to measure; hover it for why. Definitions: docs/metrics.md, “KPIs”.'),
    h('form', {class: 'plan-form', onsubmit: (e) => { e.preventDefault(); load(); }},
      h('label', {for: 'kpi-from'}, 'From'), from,
      h('label', {for: 'kpi-to'}, 'To'), to,
      h('label', {for: 'kpi-by'}, 'Group by'), by,
      h('button', {type: 'submit', id: 'kpi-submit'}, 'Show')),
    result);
  await load();
  return destroyCharts;
}

function renderSheet(sheet) {
  const p = sheet.portfolio;
  const period = p.start || p.end
    ? `${p.start ?? 'the beginning'} to ${p.end ?? 'now'} (exclusive)` : 'all history';
  const impact = p.check_in_impact;
  return [
    h('p', {class: 'summary', id: 'kpi-summary'},
      `${period}: ${fmt.int(p.accounts)} accounts, ${fmt.int(p.renewals)} renewals due.`),
    h('div', {class: 'kpi-cards', id: 'kpi-cards'},
      RATES.map(([field, label, kind]) => card(label, p[field], kind, field)),
      h('div', {class: 'kpi-card', dataset: {kpi: 'check_in_impact'},
        title: impact.reason ?? 'retention with an attended check-in before the renewal minus without'},
      h('div', {class: 'kpi-label'}, 'Check-in impact'),
      h('div', {class: 'kpi-value'}, impact.value === null ? '–'
        : `${impact.value >= 0 ? '+' : ''}${fmt.num(100 * impact.value, 0)} pts`),
      h('div', {class: 'kpi-basis small muted'}, impact.value === null ? impact.reason
        : `${fmt.num(100 * impact.confidence, 0)}% interval ${fmt.num(100 * impact.low, 0)} to ` +
          `${fmt.num(100 * impact.high, 0)} pts · ${impact.accounts} accounts ` +
          `(${impact.retained_with}/${impact.accounts_with} kept with, ` +
          `${impact.retained_without}/${impact.accounts_without} without)`))),
    h('h2', {}, 'Exit reasons'),
    Object.keys(p.exit_reasons).length
      ? h('ul', {class: 'list', id: 'kpi-exit-reasons'}, Object.entries(p.exit_reasons)
        .map(([reason, count]) => h('li', {}, `${fmt.words(reason)}: ${count}`)))
      : h('p', {class: 'muted', id: 'kpi-exit-reasons'}, 'No churn in the period.'),
    ...(sheet.groups.length ? groupTable(sheet) : []),
    h('h2', {}, 'Month by month'),
    sheet.series.length ? h('div', {class: 'charts', id: 'kpi-charts'})
      : h('p', {class: 'muted', id: 'kpi-charts'}, 'No renewals, engagements or snapshots on record.'),
  ];
}

function card(label, rate, kind, field) {
  // Counts and amounts with thousands separators (revenue sums are whole numbers mostly).
  const amount = (v) => (v % 1 ? fmt.num(v, 1) : fmt.int(v));
  const basis = rate.value === null ? rate.reason
    : kind === 'pct' ? `${amount(rate.numerator)} of ${amount(rate.denominator)}`
      : `over ${fmt.int(rate.denominator)} accounts`;
  return h('div', {class: 'kpi-card', dataset: {kpi: field}, title: rate.reason ?? ''},
    h('div', {class: 'kpi-label'}, label),
    h('div', {class: 'kpi-value'}, show(rate, kind)),
    h('div', {class: 'kpi-basis small muted'}, basis));
}

function groupTable(sheet) {
  const title = {segment: 'Segment', owner: 'Owner', account: 'Account'}[sheet.by];
  return [
    h('h2', {}, `By ${title.toLowerCase()}`),
    h('div', {class: 'table-scroll'}, h('table', {class: 'data', id: 'kpi-groups'},
      h('caption', {class: 'visually-hidden'}, `KPIs by ${title.toLowerCase()}`),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, title),
        h('th', {scope: 'col', class: 'num'}, 'Renewals'),
        RATES.map(([, label]) => h('th', {scope: 'col', class: 'num'}, label)))),
      h('tbody', {}, sheet.groups.map((g) => h('tr', {},
        h('th', {scope: 'row'}, g.key === null ? '(none)' : sheet.by === 'segment' ? fmt.segment(g.key) : g.key),
        h('td', {class: 'num'}, fmt.int(g.sheet.renewals)),
        RATES.map(([field, , kind]) => h('td', {class: 'num', title: g.sheet[field].reason ?? ''},
          show(g.sheet[field], kind)))))))),
  ];
}

function drawCharts(container, series) {
  if (!series.length || !container) return [];
  const xs = series.map((m) => Date.parse(m.start) / 1000);
  return CHARTS.map((spec) => {
    const lines = spec.counts
      ? [{label: 'renewals due', values: series.map((m) => m.renewals)},
        {label: 'downgrades', values: series.map((m) => m.downgrade_rate.numerator)}]
      : spec.series.map(([field, label]) => ({label, values: series.map((m) =>
        (m[field].value === null ? null : m[field].value * (spec.scale ?? 100)))}));
    const box = h('div', {class: 'chart', role: 'img', 'aria-label': `${spec.title}, month by month`});
    container.append(h('figure', {style: {margin: '0'}, dataset: {chart: spec.title}},
      h('h3', {}, spec.title), box));
    return timelineChart(box, {title: spec.title, xs, series: lines, markers: [], digits: spec.digits,
      xLabel: 'month'});
  });
}
