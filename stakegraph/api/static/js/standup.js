// Stand-up: what changed on the key's accounts since the last recorded digest run, or since
// a date (GET /api/digest), ranked by ARR at risk, each change with its recommended play.

import {api, encode} from './api.js';
import {clear, fmt, h, message, tierBadge} from './dom.js';

export const CHANGE_LABELS = {
  tier_worsened: 'Tier worsened',
  signal_raised: 'Signal raised',
  stakeholder_quiet: 'Stakeholder gone quiet',
  renewal_window: 'Renewal in window',
  tier_improved: 'Tier improved',
  signal_cleared: 'Signal cleared',
};

const form = {owner: '', since: ''};

export async function renderStandup(view, signal) {
  const result = h('div', {id: 'digest', 'aria-live': 'polite'});
  const owner = h('input', {id: 'digest-owner', name: 'owner', value: form.owner,
    placeholder: 'all owners', size: 14});
  const since = h('input', {id: 'digest-since', name: 'since', type: 'date', value: form.since});

  const load = async () => {
    Object.assign(form, {owner: owner.value.trim(), since: since.value});
    clear(result).append(message('info', 'Loading…'));
    try {
      const digest = await api('digest', {query: form, signal});
      window.stakegraph = {...(window.stakegraph ?? {}), digest};
      clear(result).append(...renderDigest(digest));
      view.dataset.ready = 'standup';
    } catch (error) {
      if (signal.aborted) return;
      clear(result).append(message('error', `Could not load the stand-up: ${error.message}`));
    }
  };

  view.append(
    h('div', {class: 'standup-head'},
      h('h1', {}, 'Weekly risk stand-up'),
      h('button', {type: 'button', id: 'digest-print', class: 'secondary no-print',
        onclick: () => window.print()}, 'Print')),
    h('p', {class: 'muted no-print'}, 'Signals raised and cleared, tier moves, key stakeholders ' +
      'gone quiet and renewals entering the 90-day window, since the last recorded run of ' +
      'stakegraph digest (or since a date), ranked by ARR at risk (ARR × churn-risk score).'),
    h('form', {class: 'plan-form no-print', onsubmit: (e) => { e.preventDefault(); load(); }},
      h('label', {for: 'digest-owner'}, 'Owner'), owner,
      h('label', {for: 'digest-since'}, 'Since'), since,
      h('button', {type: 'submit', id: 'digest-submit'}, 'Show changes')),
    result);
  await load();
}

function baselineText(b) {
  if (b.kind === 'run') return `since the last run (${b.run_id}, analysis of ${b.at})`;
  if (b.kind === 'date') {
    return `since ${b.at}` + (b.tiers_known ? '' : ' (tier moves unknown: no run recorded by then)');
  }
  return 'nothing analyzed yet';
}

function renderDigest(digest) {
  const counts = {};
  for (const item of digest.items) counts[item.change] = (counts[item.change] ?? 0) + 1;
  const atRisk = new Map(digest.items.map((i) => [i.account_id, i.arr_at_risk]));
  const total = [...atRisk.values()].reduce((a, b) => a + b, 0);
  const parts = [
    h('p', {class: 'summary', id: 'digest-summary'},
      `Analysis of ${fmt.date(digest.analyzed_at)}, ${digest.accounts} accounts: ` +
      `${digest.count} changes ${baselineText(digest.baseline)}.`),
    h('ul', {class: 'cards', id: 'digest-cards'},
      h('li', {}, h('strong', {}, fmt.money(total)), 'ARR at risk on changed accounts'),
      Object.entries(CHANGE_LABELS).map(([kind, label]) =>
        h('li', {dataset: {change: kind}}, h('strong', {}, String(counts[kind] ?? 0)), label))),
  ];
  if (!digest.items.length) {
    parts.push(message('info', 'Nothing new.'));
    return parts;
  }
  const owners = new Map();
  for (const item of digest.items) {
    const key = item.owner_id === null ? '(no owner)'
      : item.owner_name ? `${item.owner_name} (${item.owner_id})` : item.owner_id;
    if (!owners.has(key)) owners.set(key, []);
    owners.get(key).push(item);
  }
  for (const [ownerId, items] of owners) {
    parts.push(h('h2', {class: 'owner'}, ownerId),
      h('div', {class: 'table-scroll'}, h('table', {class: 'data digest-items'},
        h('caption', {class: 'visually-hidden'}, `Changes on ${ownerId}'s accounts`),
        h('thead', {}, h('tr', {}, ['Account', 'ARR at risk', 'Tier', 'Change', 'What', 'When',
          'Recommended play'].map((c) => h('th', {scope: 'col', class: c === 'ARR at risk' ? 'num' : null}, c)))),
        h('tbody', {}, items.map((i) => h('tr', {dataset: {change: i.change, account: i.account_id}},
          h('td', {}, h('a', {href: `#/accounts/${encode(i.account_id)}`}, i.account_name)),
          h('td', {class: 'num'}, fmt.money(i.arr_at_risk)),
          h('td', {}, tierBadge(i.risk_tier)),
          h('td', {}, h('span', {class: `chip chip-${i.change}`}, CHANGE_LABELS[i.change])),
          h('td', {}, i.title,
            i.severity !== null ? h('div', {class: 'small muted'}, `severity ${fmt.num(i.severity, 2)}`) : null,
            i.signal_id && i.people.length ? h('div', {class: 'small muted'}, i.people.join(', ')) : null),
          h('td', {}, fmt.date(i.at)),
          h('td', {class: 'play'}, i.play ? fmt.words(i.play) : '–')))))));
  }
  return parts;
}
