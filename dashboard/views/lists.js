// The four list pages: which API path each reads, its columns and how each cell is drawn.

import { qualify } from '../api.js';
import { h, statusBadge, detailLink } from '../dom.js';
import { createListView } from './list.js';

const status = { label: 'Status', sortBy: 'status', width: '7.5rem', render: (item) => statusBadge(item.status) };
const provider = { label: 'Provider', sortBy: 'provider', width: 'minmax(5rem, 0.6fr)', className: 'col-opt', render: (item) => item.provider ?? '' };

/** Routers: rule, entry points, service and priority, plus traffic when metrics are on. */
export const routersView = createListView({
  kind: 'routers',
  title: 'HTTP routers',
  endpoint: 'http/routers',
  detail: true,
  rates: 'router',
  searchHint: 'Name or rule',
  extraFilters: ['serviceName', 'middlewareName'],
  columns: [
    status,
    { label: 'Name', sortBy: 'name', width: 'minmax(8rem, 1.2fr)', render: (item) => detailLink('routers', item.name) },
    { label: 'Rule', sortBy: 'rule', width: 'minmax(10rem, 2fr)', className: 'col-rule', render: (item) => h('code', { title: item.rule ?? '' }, item.rule ?? '') },
    { label: 'Entry points', sortBy: 'entryPoints', width: 'minmax(6rem, 0.7fr)', className: 'col-opt', render: (item) => (item.using ?? item.entryPoints ?? []).join(', ') },
    { label: 'Service', sortBy: 'service', width: 'minmax(7rem, 1fr)', className: 'col-opt', render: (item) => (item.service ? detailLink('services', qualify(item.service, item.provider), item.service) : '') },
    provider,
    { label: 'Priority', sortBy: 'priority', width: '5.5rem', className: 'col-opt num', render: (item) => item.priorityStr ?? String(item.priority ?? '') },
  ],
});

/** Services: type and number of servers, plus traffic when metrics are on. */
export const servicesView = createListView({
  kind: 'services',
  title: 'HTTP services',
  endpoint: 'http/services',
  detail: true,
  rates: 'service',
  columns: [
    status,
    { label: 'Name', sortBy: 'name', width: 'minmax(8rem, 1.5fr)', render: (item) => detailLink('services', item.name) },
    { label: 'Type', sortBy: 'type', width: 'minmax(6rem, 0.8fr)', render: (item) => item.type ?? '' },
    { label: 'Servers', sortBy: 'servers', width: '5rem', className: 'col-opt num', render: (item) => String(item.loadBalancer?.servers?.length ?? '') },
    provider,
  ],
});

/** Middlewares: their kind and provider. */
export const middlewaresView = createListView({
  kind: 'middlewares',
  title: 'HTTP middlewares',
  endpoint: 'http/middlewares',
  detail: true,
  columns: [
    status,
    { label: 'Name', sortBy: 'name', width: 'minmax(8rem, 1.5fr)', render: (item) => detailLink('middlewares', item.name) },
    { label: 'Type', sortBy: 'type', width: 'minmax(6rem, 1fr)', render: (item) => item.type ?? '' },
    provider,
  ],
});

/** Certificates: names, issuer and expiry; "none yet" before the first one is loaded or issued. */
export const certificatesView = createListView({
  kind: 'certificates',
  title: 'Certificates',
  endpoint: 'certificates',
  emptyText: 'None yet: certificates appear here once loaded from TLS configuration or issued by a resolver.',
  searchHint: 'Name, SAN or issuer',
  columns: [
    { label: 'Status', sortBy: 'status', width: '7.5rem', render: (item) => statusBadge(item.status) },
    { label: 'Common name', sortBy: 'cn', width: 'minmax(8rem, 1fr)', render: (item) => item.commonName ?? '' },
    { label: 'SANs', width: 'minmax(8rem, 1.5fr)', className: 'col-opt', render: (item) => (item.sans ?? []).join(', ') },
    { label: 'Issuer', sortBy: 'issuer', width: 'minmax(6rem, 1fr)', className: 'col-opt', render: (item) => item.issuerOrg || item.issuerCN || '' },
    { label: 'Valid until', sortBy: 'validUntil', width: '8rem', render: (item) => (item.notAfter ? new Date(item.notAfter).toISOString().slice(0, 10) : '') },
  ],
});
