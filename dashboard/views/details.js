// Detail pages. A router's page draws the path a request takes — entry points → router → middlewares →
// service → servers — with each element's status and errors where they occur.

import { getJSON, tryJSON, qualify, ApiError } from '../api.js';
import { h, statusBadge, errorList, detailLink, formatRate, formatPercent } from '../dom.js';
import { renderConfig } from './config-view.js';

const HEALTH_REFRESH_MS = 5000;
const USED_BY_SHOWN = 100;

const path = (kind, name) => `${kind}/${encodeURIComponent(name)}`;

async function fetchOrMissing(kind, name) {
  try {
    return (await getJSON(path(kind, name))).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { missing: true, name };
    throw error;
  }
}

function rates(ctx, level, name) {
  if (!ctx.metrics.available()) return null;
  const rate = ctx.metrics.rate(level, name);
  return h('p', { class: 'rates' }, h('span', {}, `${formatRate(rate?.perSecond)} req/s`), h('span', {}, ` · ${formatPercent(rate?.errorRatio)} 5xx`));
}

function node(kind, title, ...content) {
  return h('li', { class: `flow-step flow-${kind}` }, h('h2', { class: 'flow-title' }, title), h('div', { class: 'flow-body' }, content));
}

function elementCard(kind, element, extra) {
  if (element.missing) return h('div', { class: 'flow-card missing' }, statusBadge('disabled'), ' ', h('strong', {}, element.name), h('p', { class: 'error-inline' }, `${kind === 'services' ? 'Service' : 'Middleware'} not found`));
  return h(
    'div',
    { class: `flow-card status-${element.status}` },
    statusBadge(element.status),
    ' ',
    detailLink(kind, element.name),
    element.type ? h('span', { class: 'muted' }, ` ${element.type}`) : null,
    extra,
    errorList(element.error),
  );
}

function serverList(service) {
  const servers = service?.loadBalancer?.servers ?? [];
  const health = service?.serverStatus ?? {};
  if (servers.length === 0) return h('p', { class: 'muted' }, service?.type && service.type !== 'loadbalancer' ? `A ${service.type} service: see its page for its children.` : 'No servers.');
  return h(
    'ul',
    { class: 'servers', role: 'list' },
    servers.map((server) => {
      const url = server.url ?? server.address ?? '';
      return h('li', {}, health[url] ? statusBadge(health[url]) : h('span', { class: 'badge badge-unknown', title: 'not health-checked' }, 'no check'), ' ', h('code', {}, url), server.weight !== undefined ? h('span', { class: 'muted' }, ` weight ${server.weight}`) : null);
    }),
  );
}

function detailPage(root, ctx, load) {
  let generation = 0;
  const body = h('div', { class: 'detail' }, h('p', { class: 'loading' }, 'Loading…'));
  root.append(h('p', { class: 'crumbs' }, h('a', { href: `#/${ctx.kind}` }, `← All ${ctx.kind}`)), h('h1', { tabindex: '-1', class: 'detail-title' }, ctx.name), body);
  const refresh = async () => {
    const mine = ++generation;
    let content;
    try {
      content = await load();
    } catch (error) {
      content = h('p', { class: 'error-banner', role: 'alert' }, error instanceof ApiError && error.status === 404 ? `${ctx.name} does not exist (any more).` : `Could not load ${ctx.name}: ${error.message}`);
    }
    if (mine === generation) body.replaceChildren(content);
  };
  refresh();
  const unsubscribe = ctx.metrics.subscribe(refresh);
  // Server health changes without a new configuration, so no event announces it: look again now and then.
  // With metrics on, each scrape already refreshes the page at the same pace.
  const healthTimer = setInterval(() => ctx.metrics.available() || refresh(), HEALTH_REFRESH_MS);
  return {
    wantsMetrics: true,
    refresh,
    destroy() {
      generation++;
      clearInterval(healthTimer);
      unsubscribe();
    },
  };
}

function rawJson(value) {
  return h('details', { class: 'raw' }, h('summary', {}, 'As JSON'), h('pre', {}, JSON.stringify(value, null, 2)));
}

/** A router: the flow a request takes through it. */
export function routerDetailView(root, ctx) {
  return detailPage(root, { ...ctx, kind: 'routers' }, async () => {
    const router = (await getJSON(path('http/routers', ctx.name))).data;
    const provider = router.provider;
    const [entryPoints, middlewares, service] = await Promise.all([
      tryJSON('entrypoints', []),
      Promise.all((router.middlewares ?? []).map((m) => fetchOrMissing('http/middlewares', qualify(m, provider)))),
      router.service ? fetchOrMissing('http/services', qualify(router.service, provider)) : null,
    ]);
    const addresses = new Map((entryPoints ?? []).map((ep) => [ep.name, ep.address]));
    const using = router.using ?? router.entryPoints ?? [];
    const tls = router.tls;
    return h(
      'div',
      {},
      h('p', { class: 'summary' }, statusBadge(router.status), h('span', { class: 'muted' }, ` from provider ${provider ?? '?'}`)),
      h(
        'ol',
        { class: 'flow', 'aria-label': 'Request flow' },
        node('entrypoints', 'Entry points', using.length ? h('ul', { role: 'list' }, using.map((name) => h('li', { class: 'flow-card' }, h('strong', {}, name), h('span', { class: 'muted' }, ` ${addresses.get(name) ?? ''}`)))) : h('p', { class: 'error-inline' }, 'Not attached to any entry point')),
        node(
          'router',
          'Router',
          h(
            'div',
            { class: `flow-card status-${router.status}` },
            statusBadge(router.status),
            ' ',
            h('strong', {}, router.name),
            h('dl', { class: 'props' }, h('dt', {}, 'Rule'), h('dd', {}, h('code', {}, router.rule ?? '')), h('dt', {}, 'Priority'), h('dd', {}, router.priorityStr ?? String(router.priority ?? '')), tls ? [h('dt', {}, 'TLS'), h('dd', {}, [tls.options && `options ${tls.options}`, tls.certResolver && `resolver ${tls.certResolver}`, (tls.domains ?? []).map((d) => [d.main, ...(d.sans ?? [])].join(', ')).join('; ')].filter(Boolean).join(' · ') || 'on')] : null),
            rates(ctx, 'router', router.name),
            errorList(router.error),
          ),
        ),
        middlewares.length ? node('middlewares', 'Middlewares', h('ol', {}, middlewares.map((m) => h('li', {}, elementCard('middlewares', m))))) : null,
        node('service', 'Service', service ? elementCard('services', service, service.missing ? null : rates(ctx, 'service', service.name)) : h('p', { class: 'error-inline' }, 'No service')),
        service && !service.missing ? node('servers', 'Servers', serverList(service)) : null,
      ),
      rawJson(router),
    );
  });
}

/** A service: its servers and their health, children, settings and the routers that use it. */
export function serviceDetailView(root, ctx) {
  return detailPage(root, { ...ctx, kind: 'services' }, async () => {
    const service = (await getJSON(path('http/services', ctx.name))).data;
    const children = service.weighted?.services ?? [];
    const links = (list) => list.map((s) => h('li', {}, detailLink('services', qualify(s.name, service.provider)), s.weight !== undefined ? h('span', { class: 'muted' }, ` weight ${s.weight}`) : null, s.percent !== undefined ? h('span', { class: 'muted' }, ` ${s.percent}%`) : null));
    return h(
      'div',
      {},
      h('p', { class: 'summary' }, statusBadge(service.status), h('span', { class: 'muted' }, ` ${service.type ?? ''} from provider ${service.provider ?? '?'}`)),
      rates(ctx, 'service', service.name),
      errorList(service.error),
      h('section', { class: 'card' }, h('h2', {}, 'Servers'), serverList(service)),
      children.length ? h('section', { class: 'card' }, h('h2', {}, 'Weighted services'), h('ul', { role: 'list' }, links(children))) : null,
      service.mirroring ? h('section', { class: 'card' }, h('h2', {}, 'Mirroring'), h('p', {}, 'Main: ', detailLink('services', qualify(service.mirroring.service, service.provider))), h('ul', { role: 'list' }, links(service.mirroring.mirrors ?? []))) : null,
      service.failover ? h('section', { class: 'card' }, h('h2', {}, 'Failover'), h('p', {}, 'Main: ', detailLink('services', qualify(service.failover.service, service.provider))), h('p', {}, 'Fallback: ', detailLink('services', qualify(service.failover.fallback, service.provider)))) : null,
      h('section', { class: 'card' }, h('h2', {}, 'Settings'), renderConfig(service.loadBalancer ? { ...service.loadBalancer, servers: undefined } : (service.weighted ?? service.mirroring ?? service.failover ?? service.highestRandomWeight ?? {}))),
      h('section', { class: 'card' }, h('h2', {}, 'Used by routers'), usedBy(service.usedBy, `serviceName=${encodeURIComponent(service.name)}`)),
      rawJson(service),
    );
  });
}

/** A middleware: its options and the routers that use it. */
export function middlewareDetailView(root, ctx) {
  return detailPage(root, { ...ctx, kind: 'middlewares' }, async () => {
    const middleware = (await getJSON(path('http/middlewares', ctx.name))).data;
    const meta = new Set(['name', 'provider', 'status', 'error', 'usedBy', 'type']);
    const options = Object.fromEntries(Object.entries(middleware).filter(([key]) => !meta.has(key)));
    return h(
      'div',
      {},
      h('p', { class: 'summary' }, statusBadge(middleware.status), h('span', { class: 'muted' }, ` ${middleware.type ?? ''} from provider ${middleware.provider ?? '?'}`)),
      errorList(middleware.error),
      h('section', { class: 'card' }, h('h2', {}, 'Options'), renderConfig(options)),
      h('section', { class: 'card' }, h('h2', {}, 'Used by routers'), usedBy(middleware.usedBy)),
      rawJson(middleware),
    );
  });
}

function usedBy(names, filter) {
  if (!names || names.length === 0) return h('p', { class: 'muted' }, 'No router uses it.');
  // A service behind thousands of routers would otherwise make thousands of links; the list page pages through them.
  const list = h('ul', { role: 'list', class: 'used-by' }, names.slice(0, USED_BY_SHOWN).map((name) => h('li', {}, detailLink('routers', name))));
  if (names.length > USED_BY_SHOWN) list.append(h('li', { class: 'muted' }, `and ${names.length - USED_BY_SHOWN} more`));
  // Only services get a list link: the API matches middlewareName exactly as routers spell it, qualified or not.
  return filter ? [list, h('p', {}, h('a', { href: `#/routers?${filter}` }, 'Show them in the routers list'))] : list;
}
