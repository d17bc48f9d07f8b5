// Leadership: the portfolio outreach plan (POST /api/outreach/plan) as tables — who should
// reach whom and why, what stays uncovered and why, and how much of each executive it uses.

import {api, encode} from './api.js';
import {TIER_LABELS, clear, fmt, h, message} from './dom.js';

const form = {min_tier: '4', min_score: '0.3', as_of: ''};

export async function renderLeadership(view, signal) {
  const result = h('div', {id: 'plan', 'aria-live': 'polite'});
  const tier = h('select', {id: 'plan-min-tier', name: 'min_tier'},
    Object.entries(TIER_LABELS).map(([t, label]) =>
      h('option', {value: t, selected: t === form.min_tier}, `${t} · ${label} or worse`)));
  const score = h('input', {id: 'plan-min-score', name: 'min_score', type: 'number', min: 0, max: 1,
    step: 0.05, value: form.min_score});
  const asOf = h('input', {id: 'plan-as-of', name: 'as_of', type: 'date', value: form.as_of});

  const plan = async () => {
    Object.assign(form, {min_tier: tier.value, min_score: score.value, as_of: asOf.value});
    const body = {min_tier: Number(form.min_tier), min_score: Number(form.min_score)};
    if (form.as_of) body.as_of = form.as_of;
    clear(result).append(message('info', 'Planning…'));
    try {
      const answer = await api('outreach/plan', {method: 'POST', body, signal});
      // Left empty, the server plans as of the last analysis: show which day that was.
      if (!form.as_of) asOf.value = answer.as_of;
      clear(result).append(...renderPlan(answer));
      view.dataset.ready = 'leadership';
    } catch (error) {
      if (signal.aborted) return;
      const text = error.status === 403
        ? 'Outreach plans are for leader and admin keys; this key cannot plan.'
        : `Could not plan: ${error.message}`;
      clear(result).append(message('error', text));
    }
  };

  view.append(
    h('h1', {}, 'Leadership: executive outreach plan'),
    h('p', {class: 'muted'}, 'Our executives assigned to the senior stakeholders of at-risk ' +
      'accounts as an optimal assignment within each executive\'s capacity ' +
      '(utility = match score × (0.5 + 0.5 × account risk)).'),
    h('form', {class: 'plan-form', onsubmit: (e) => { e.preventDefault(); plan(); }},
      h('label', {for: 'plan-min-tier'}, 'Accounts at tier'), tier,
      h('label', {for: 'plan-min-score'}, 'Minimum score'), score,
      h('label', {for: 'plan-as-of'}, 'Roles as of'), asOf,
      h('button', {type: 'submit', id: 'plan-submit'}, 'Plan outreach')),
    result);
  await plan();
}

function renderPlan(plan) {
  const accountLink = (id, name) => h('a', {href: `#/accounts/${encode(id)}`}, name ?? id);
  const person = (p) => [h('strong', {}, p.name ?? p.id), h('div', {class: 'small muted'}, p.title ?? fmt.words(p.level))];
  const covered = new Set(plan.assignments.map((a) => a.account_id)).size;
  return [
    h('p', {class: 'summary', id: 'plan-summary'},
      `As of ${plan.as_of}: ${plan.assignments.length} introductions across ${covered} accounts, ` +
      `${plan.warm_introductions} of them warm, ` +
      `${plan.uncovered.length} stakeholders uncovered, total utility ${fmt.num(plan.total_utility, 3)}.`),
    h('h2', {}, 'Assignments'),
    plan.assignments.length
      ? h('div', {class: 'table-scroll'}, h('table', {class: 'data', id: 'plan-assignments'},
        h('caption', {class: 'visually-hidden'}, 'Who should reach whom'),
        h('thead', {}, h('tr', {}, ['Our executive', 'Account', 'Their stakeholder', 'Utility',
          'Score', 'Reason'].map((c) => h('th', {scope: 'col', class: c === 'Utility' ? 'num' : null}, c)))),
        h('tbody', {}, plan.assignments.map((a) => h('tr', {},
          h('td', {}, person(a.executive)),
          h('td', {}, accountLink(a.account_id, a.account_name)),
          h('td', {}, person(a.stakeholder)),
          h('td', {class: 'num'}, fmt.num(a.utility, 3)),
          h('td', {}, h('div', {}, fmt.num(a.score.total, 2)), h('div', {class: 'score-parts'},
            `level ${fmt.num(a.score.level_parity, 2)} · function ${fmt.num(a.score.function_affinity, 2)}` +
            ` · tie ${fmt.num(a.score.tie, 2)}`)),
          h('td', {class: 'small'}, a.reason))))))
      : message('info', 'No pair scores above the minimum: nothing to assign.'),
    h('h2', {style: {marginTop: '1rem'}}, 'Uncovered'),
    plan.uncovered.length
      ? h('div', {class: 'table-scroll'}, h('table', {class: 'data', id: 'plan-uncovered'},
        h('caption', {class: 'visually-hidden'}, 'Stakeholders nobody is assigned to, and why'),
        h('thead', {}, h('tr', {}, ['Account', 'Their stakeholder', 'Why uncovered']
          .map((c) => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, plan.uncovered.map((u) => h('tr', {},
          h('td', {}, accountLink(u.account_id, u.account_name)),
          h('td', {}, person(u.stakeholder)),
          h('td', {class: 'small'}, u.reason))))))
      : h('p', {class: 'muted', id: 'plan-uncovered-none'}, 'Every senior stakeholder of the accounts in scope is covered.'),
    h('h2', {style: {marginTop: '1rem'}}, 'Executives'),
    h('div', {class: 'table-scroll'}, h('table', {class: 'data', id: 'plan-executives'},
      h('caption', {class: 'visually-hidden'}, 'Capacity used per executive'),
      h('thead', {}, h('tr', {}, ['Executive', 'Function', 'Assigned / capacity']
        .map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, plan.executives.map((e) => h('tr', {},
        h('td', {}, person(e)), h('td', {}, fmt.words(e.function)),
        h('td', {}, h('span', {class: 'load', role: 'img',
          'aria-label': `${e.assigned} of ${e.capacity} used`},
        h('span', {style: {width: `${e.capacity ? (100 * e.assigned) / e.capacity : 0}%`}})),
        `${e.assigned} / ${e.capacity}`)))))),
  ];
}
