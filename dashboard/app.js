// The dashboard shell: hash routing (`#/routers?status=disabled`), the live indicator, and the view lifecycle.
// Each view is `(root, ctx) => ({ refresh?, destroy?, wantsMetrics? })`; it reads the API and nothing else.

import { connectLive } from './live.js';
import { createMetrics } from './metrics.js';
import { overviewView } from './views/overview.js';
import { routersView, servicesView, middlewaresView, certificatesView } from './views/lists.js';
import { routerDetailView, serviceDetailView, middlewareDetailView } from './views/details.js';
import { testerView } from './views/tester.js';
import { h } from './dom.js';

const LISTS = { routers: routersView, services: servicesView, middlewares: middlewaresView, certificates: certificatesView };
const DETAILS = { routers: routerDetailView, services: serviceDetailView, middlewares: middlewareDetailView };

const main = document.getElementById('main');
const announcer = document.getElementById('announcer');
const metrics = createMetrics();
let current = null;

/** Splits the hash into its path segments (decoded) and its query parameters. */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segments, params: new URLSearchParams(query), path };
}

function pickView(segments) {
  const [first, ...rest] = segments;
  if (!first) return { view: overviewView, title: 'Overview' };
  if (first === 'tester') return { view: testerView, title: 'Route tester' };
  if (rest.length === 0 && LISTS[first]) return { view: LISTS[first], title: first[0].toUpperCase() + first.slice(1) };
  if (rest.length > 0 && DETAILS[first]) return { view: DETAILS[first], title: rest.join('/'), name: rest.join('/') };
  return { view: notFoundView, title: 'Not found' };
}

function notFoundView(root) {
  root.append(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, 'This dashboard page does not exist. ', h('a', { href: '#/' }, 'Back to the overview.')));
  return {};
}

/** Mounts the view for the current hash, or keeps the current one when only our own filter update changed it. */
function route() {
  const { segments, params, path } = parseHash();
  const { view, title, name } = pickView(segments);
  current?.destroy?.();
  main.replaceChildren();
  const ctx = {
    params,
    name,
    metrics,
    navigate: (hash) => {
      location.hash = hash;
    },
    // Filters are written with replaceState: the URL is shareable, but typing in the search box does not fill history.
    setParams: (next) => {
      const query = new URLSearchParams(next).toString();
      history.replaceState(null, '', `#/${path}${query ? `?${query}` : ''}`);
    },
    announce,
  };
  current = view(main, ctx) ?? {};
  metrics.want(Boolean(current.wantsMetrics));
  document.title = `${title} · Switchyard`;
  for (const link of document.querySelectorAll('[data-nav]')) {
    const active = link.dataset.nav === (segments[0] ?? '');
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  closeMenu();
  // Moving focus to the new heading tells screen-reader users the page changed, as a full load would.
  if (document.activeElement && document.activeElement !== document.body) main.querySelector('h1')?.focus({ preventScroll: true });
}

/** Speaks a short message to assistive technology without moving focus. */
function announce(message) {
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

const liveBox = document.getElementById('live');
const liveText = document.getElementById('live-text');
const LIVE_TEXT = { live: 'Live', connecting: 'Connecting', polling: 'Polling' };

connectLive({
  onState(state) {
    liveBox.dataset.state = state;
    liveText.textContent = LIVE_TEXT[state] ?? state;
  },
  onChange(event) {
    if (event?.version !== undefined) {
      liveBox.dataset.version = String(event.version);
      announce(`Configuration version ${event.version} applied`);
    }
    current?.refresh?.(event);
  },
});

const navToggle = document.querySelector('.nav-toggle');
const nav = document.getElementById('nav');
function closeMenu() {
  navToggle.setAttribute('aria-expanded', 'false');
  nav.classList.remove('open');
}
navToggle.addEventListener('click', () => {
  const open = navToggle.getAttribute('aria-expanded') !== 'true';
  navToggle.setAttribute('aria-expanded', String(open));
  nav.classList.toggle('open', open);
});
// The skip link targets #main, which the hash router would read as a page: move focus by hand instead.
document.getElementById('skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);
route();
