// The route tester: describes a request, asks /api/explain what the live routing table does with it, and
// shows the router that takes it, the chain and service, and why every other candidate did not.

import { getJSON, tryJSON } from '../api.js';
import { h, statusBadge, detailLink } from '../dom.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const INTERNAL_ENTRY_POINT = 'switchyard';
const CANDIDATES_SHOWN = 50;

function field(id, label, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

function explanationTree(node) {
  if (!node) return null;
  return h(
    'li',
    { class: node.matched ? 'ok' : 'no' },
    h('span', { class: 'sr-mark', 'aria-hidden': 'true' }, node.matched ? '✓ ' : '✕ '),
    h('span', { class: 'visually-hidden' }, node.matched ? 'true: ' : 'false: '),
    h('code', {}, node.expression),
    node.saw !== undefined ? h('span', { class: 'muted' }, ` saw ${JSON.stringify(node.saw)}`) : null,
    node.children ? h('ul', {}, node.children.map(explanationTree)) : null,
  );
}

function candidateRow(candidate, winner) {
  const isWinner = candidate.name === winner;
  const verdict = isWinner ? 'takes the request' : candidate.matched ? 'matches, but is shadowed' : candidate.eligible ? 'does not match' : 'not eligible';
  return h(
    'li',
    { class: `candidate${isWinner ? ' winner' : ''}`, 'aria-current': isWinner ? 'true' : undefined },
    h(
      'div',
      { class: 'candidate-head' },
      h('span', { class: `verdict verdict-${isWinner ? 'win' : candidate.matched ? 'shadowed' : 'miss'}` }, verdict),
      ' ',
      candidate.internal ? h('strong', {}, candidate.name) : detailLink('routers', candidate.name),
      h('span', { class: 'muted' }, ` priority ${candidate.priorityStr ?? candidate.priority}`),
      candidate.status && candidate.status !== 'enabled' ? [' ', statusBadge(candidate.status)] : null,
    ),
    candidate.rule ? h('code', { class: 'candidate-rule' }, candidate.rule) : null,
    candidate.reasons?.length ? h('ul', { class: 'reasons' }, candidate.reasons.map((r) => h('li', {}, r))) : null,
    candidate.explanation ? h('details', {}, h('summary', {}, 'Rule evaluation'), h('ul', { class: 'explain-tree' }, explanationTree(candidate.explanation))) : null,
  );
}

function entryPointResult(result) {
  const service = result.service;
  return h(
    'section',
    { class: 'card result', 'aria-labelledby': `res-${result.entryPoint}` },
    h('h2', { id: `res-${result.entryPoint}` }, `Entry point ${result.entryPoint}: `, result.router ? h('span', { class: 'result-router' }, result.router) : h('span', { class: 'result-none' }, 'no router — 404')),
    result.router
      ? h(
          'ol',
          { class: 'flow compact', 'aria-label': 'Chain' },
          h('li', { class: 'flow-step' }, h('span', { class: 'flow-title' }, 'Router'), h('div', { class: 'flow-card' }, detailLink('routers', result.router))),
          result.chain.map((step) => h('li', { class: 'flow-step' }, h('span', { class: 'flow-title' }, `Middleware (${step.from})`), h('div', { class: 'flow-card' }, step.status ? statusBadge(step.status) : null, ' ', detailLink('middlewares', step.name), step.type ? h('span', { class: 'muted' }, ` ${step.type}`) : null))),
          service
            ? h(
                'li',
                { class: 'flow-step' },
                h('span', { class: 'flow-title' }, 'Service'),
                h(
                  'div',
                  { class: 'flow-card' },
                  service.status ? statusBadge(service.status) : h('span', { class: 'error-inline' }, 'not found '),
                  ' ',
                  detailLink('services', service.name),
                  service.serverStatus ? h('ul', { class: 'servers' }, Object.entries(service.serverStatus).map(([url, s]) => h('li', {}, statusBadge(s), ' ', h('code', {}, url)))) : null,
                ),
              )
            : null,
        )
      : null,
    h('h3', {}, `Candidates (${result.candidates.length}), in evaluation order`),
    result.candidates.length ? candidateList(result) : h('p', { class: 'muted' }, 'No router is attached to this entry point.'),
  );
}

// Thousands of routers would make thousands of cards: show those up to just past the winner, the rest on demand.
function candidateList(result) {
  const winnerAt = result.candidates.findIndex((c) => c.name === result.router);
  const limit = Math.max(CANDIDATES_SHOWN, winnerAt + 11);
  const list = h('ol', { class: 'candidates' }, result.candidates.slice(0, limit).map((c) => candidateRow(c, result.router)));
  if (result.candidates.length <= limit) return list;
  const more = h('button', {
    type: 'button',
    class: 'secondary',
    onclick: () => {
      list.append(...result.candidates.slice(limit).map((c) => candidateRow(c, result.router)));
      more.remove();
    },
  }, `Show the other ${result.candidates.length - limit} candidates`);
  return [list, more];
}

/** The route tester page; its form is kept in the URL so a result can be shared. */
export function testerView(root, ctx) {
  const p = ctx.params;
  let generation = 0;
  const method = h('input', { id: 't-method', name: 'method', list: 't-methods', value: p.get('method') ?? 'GET', autocomplete: 'off', required: true, size: '8' });
  const methods = h('datalist', { id: 't-methods' }, METHODS.map((m) => h('option', { value: m })));
  const url = h('input', { id: 't-url', name: 'url', type: 'text', inputmode: 'url', value: p.get('url') ?? '', placeholder: 'http://app.example.com/path?x=1', required: true, 'aria-describedby': 't-url-hint' });
  const headers = h('textarea', { id: 't-headers', name: 'headers', rows: '3', placeholder: 'X-Version: 2', 'aria-describedby': 't-headers-hint' });
  headers.value = p.getAll('header').join('\n');
  const clientIP = h('input', { id: 't-ip', name: 'clientIP', type: 'text', value: p.get('clientIP') ?? '', placeholder: '203.0.113.7', autocomplete: 'off' });
  const entryPoint = h('select', { id: 't-ep', name: 'entryPoint' }, h('option', { value: '' }, 'All entry points'));
  const results = h('div', { class: 'results', 'aria-live': 'polite' });

  const run = async () => {
    const query = { method: method.value.trim() || 'GET', url: url.value.trim(), header: headers.value.split('\n').map((l) => l.trim()).filter(Boolean), clientIP: clientIP.value.trim(), entryPoint: entryPoint.value };
    if (!query.url) return;
    const shown = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) if (v) shown.append(key, v);
    ctx.setParams(shown);
    const mine = ++generation;
    results.setAttribute('aria-busy', 'true');
    let content;
    try {
      const { data } = await getJSON('explain', query);
      content = [
        h('p', { class: 'muted' }, `Routing table version ${data.version}. Host seen: ${data.request?.host || '(none)'}, path ${data.request?.path ?? ''}${data.request?.tls ? ', over TLS' : ''}.`),
        (data.entryPoints ?? []).map(entryPointResult),
      ];
    } catch (error) {
      content = h('p', { class: 'error-banner', role: 'alert' }, error.message);
    }
    if (mine !== generation) return;
    results.removeAttribute('aria-busy');
    results.replaceChildren(...[content].flat(Infinity));
  };

  const form = h(
    'form',
    {
      class: 'tester card',
      'aria-label': 'Request to test',
      onsubmit: (event) => {
        event.preventDefault();
        run();
      },
    },
    h('div', { class: 'field-row' }, field('t-method', 'Method', method), field('t-url', 'URL', url, 'An absolute URL sets the Host and, with https, TLS.')),
    field('t-headers', 'Headers', headers, 'One "Name: Value" per line.'),
    h('div', { class: 'field-row' }, field('t-ip', 'Client IP', clientIP), field('t-ep', 'Entry point', entryPoint)),
    methods,
    h('button', { type: 'submit', class: 'primary' }, 'Explain'),
  );
  root.append(h('h1', { tabindex: '-1' }, 'Route tester'), h('p', { class: 'lead' }, 'Which router would take a request, and why the others would not. Nothing is sent to any service.'), form, results);

  tryJSON('entrypoints', []).then((eps) => {
    for (const ep of eps ?? []) if (ep.name !== INTERNAL_ENTRY_POINT) entryPoint.append(h('option', { value: ep.name }, ep.name));
    entryPoint.value = p.get('entryPoint') ?? '';
    if (url.value) run();
  });

  return {
    // A new configuration can change the answer: run the shown request again.
    refresh: () => (results.childElementCount ? run() : undefined),
    destroy() {
      generation++;
    },
  };
}
