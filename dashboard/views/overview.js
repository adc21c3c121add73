// The overview: entry points, element counts by status (each a link to the filtered list), features,
// providers with their connection state, and the gateway's version.

import { getJSON, tryJSON } from '../api.js';
import { h } from '../dom.js';

const KINDS = [
  ['routers', 'Routers'],
  ['services', 'Services'],
  ['middlewares', 'Middlewares'],
];

function statCard(kind, label, counts) {
  const total = counts?.total ?? 0;
  const warnings = counts?.warnings ?? 0;
  const errors = counts?.errors ?? 0;
  const enabled = Math.max(0, total - warnings - errors);
  const part = (status, word, value) =>
    h('li', {}, h('a', { href: `#/${kind}?status=${status}`, class: `count count-${status}`, 'aria-label': `${value} ${word} ${label.toLowerCase()}` }, h('span', { class: 'count-value' }, String(value)), h('span', { class: 'count-word' }, word)));
  const share = (value) => (total ? `${(value / total) * 100}%` : '0%');
  return h(
    'section',
    { class: 'card stat', 'aria-labelledby': `stat-${kind}` },
    h('h2', { id: `stat-${kind}` }, h('a', { href: `#/${kind}` }, `${label}`), h('span', { class: 'stat-total' }, ` ${total}`)),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-enabled', style: `width:${share(enabled)}` }), h('span', { class: 'bar-warning', style: `width:${share(warnings)}` }), h('span', { class: 'bar-disabled', style: `width:${share(errors)}` })),
    h('ul', { class: 'counts', role: 'list' }, part('enabled', 'enabled', enabled), part('warning', 'warnings', warnings), part('disabled', 'disabled', errors)),
  );
}

function providerRows(providers, names) {
  // /api/providers may be a map keyed by name or a list; /api/overview only has the names.
  const list = Array.isArray(providers) ? providers : Object.entries(providers ?? {}).map(([name, state]) => ({ name, ...state }));
  // Overview names may be capitalised (Traefik shows "File"); states are keyed by the provider's namespace.
  const byName = new Map(list.filter((p) => p && p.name).map((p) => [p.name.toLowerCase(), p]));
  for (const name of names ?? []) if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), { name });
  return [...byName.values()].map((p) =>
    h(
      'li',
      { class: 'provider' },
      h('span', { class: 'provider-name' }, p.name),
      p.connected === undefined ? null : h('span', { class: `badge badge-${p.connected ? 'up' : 'down'}` }, p.connected ? '✓ connected' : '✕ disconnected'),
      p.lastSnapshotAt ? h('span', { class: 'muted' }, ` last snapshot ${new Date(p.lastSnapshotAt).toLocaleTimeString('en-GB')}`) : null,
      p.lastError ? h('p', { class: 'error-inline' }, p.lastError) : null,
    ),
  );
}

/** The landing page. */
export function overviewView(root) {
  let generation = 0;
  const body = h('div', { class: 'overview' });
  root.append(h('h1', { tabindex: '-1' }, 'Overview'), body);

  const load = async () => {
    const mine = ++generation;
    const [overview, entryPoints, providers, version] = await Promise.all([
      getJSON('overview').then((r) => r.data).catch((error) => ({ error })),
      tryJSON('entrypoints', []),
      tryJSON('providers', null),
      tryJSON('version', null),
    ]);
    if (mine !== generation) return;
    if (overview.error) {
      body.replaceChildren(h('p', { class: 'error-banner', role: 'alert' }, `Could not reach the API: ${overview.error.message}`));
      return;
    }
    const features = overview.features ?? {};
    const providerState = providers?.providers ?? providers;
    const ready = providers && typeof providers.ready === 'boolean' ? providers.ready : undefined;
    body.replaceChildren(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'ov-ep' },
        h('h2', { id: 'ov-ep' }, 'Entry points'),
        h('ul', { class: 'entry-points', role: 'list' }, (entryPoints ?? []).map((ep) => h('li', {}, h('strong', {}, ep.name), h('span', { class: 'muted' }, ` ${ep.address ?? ''}`)))),
      ),
      h('div', { class: 'stats' }, KINDS.map(([kind, label]) => statCard(kind, label, overview.http?.[kind]))),
      h(
        'div',
        { class: 'grid-2' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'ov-providers' },
          h('h2', { id: 'ov-providers' }, 'Providers', ready === undefined ? null : h('span', { class: 'muted' }, ready ? ' · all loaded' : ' · waiting for first snapshots')),
          h('ul', { class: 'providers', role: 'list' }, providerRows(providerState, overview.providers)),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'ov-features' },
          h('h2', { id: 'ov-features' }, 'Features'),
          h(
            'dl',
            { class: 'features' },
            h('dt', {}, 'Tracing'),
            h('dd', {}, features.tracing || 'off'),
            h('dt', {}, 'Metrics'),
            h('dd', {}, features.metrics || 'off'),
            h('dt', {}, 'Access log'),
            h('dd', {}, features.accessLog ? 'on' : 'off'),
            h('dt', {}, 'Certificates'),
            h('dd', {}, h('a', { href: '#/certificates' }, String(overview.certificates?.total ?? 0))),
            providers?.version !== undefined ? [h('dt', {}, 'Configuration'), h('dd', {}, `version ${providers.version}`)] : null,
            h('dt', {}, 'Version'),
            h('dd', {}, version ? `${version.Version ?? ''}${version.Codename ? ` (${version.Codename})` : ''}` : 'unknown'),
            version?.startDate ? [h('dt', {}, 'Started'), h('dd', {}, new Date(version.startDate).toLocaleString('en-GB'))] : null,
          ),
        ),
      ),
    );
  };

  load();
  return {
    refresh: load,
    destroy() {
      generation++;
    },
  };
}
