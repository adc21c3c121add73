import t from 'tap';
import { startDashboardGateway } from '../helpers/browser-harness.js';

t.test('the dashboard is served from known files only, with types and revalidation headers', async (t) => {
  const gw = await startDashboardGateway();
  t.teardown(() => gw.close());
  const get = (path: string, headers: Record<string, string> = {}) => fetch(gw.url(path, 'switchyard'), { headers, redirect: 'manual' });

  t.test('/dashboard redirects to /dashboard/ (the trailing slash is required)', async (t) => {
    const res = await get('/dashboard');
    t.equal(res.status, 302);
    t.equal(res.headers.get('location'), '/dashboard/');
  });

  t.test('/dashboard/ is the page, with a strict content security policy', async (t) => {
    const res = await get('/dashboard/');
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^text\/html/);
    t.equal(res.headers.get('cache-control'), 'no-cache');
    t.match(res.headers.get('content-security-policy'), /default-src 'none'/);
    t.match(res.headers.get('content-security-policy'), /connect-src 'self'/);
    t.equal(res.headers.get('x-content-type-options'), 'nosniff');
    t.match(await res.text(), /<script type="module" src="app.js">/);
  });

  const types: Array<[string, RegExp]> = [
    ['/dashboard/app.js', /^text\/javascript/],
    ['/dashboard/views/list.js', /^text\/javascript/],
    ['/dashboard/style.css', /^text\/css/],
    ['/dashboard/favicon.svg', /^image\/svg\+xml/],
  ];
  for (const [path, type] of types) {
    t.test(`${path} is served as ${type.source}`, async (t) => {
      const res = await get(path);
      t.equal(res.status, 200);
      t.match(res.headers.get('content-type'), type);
    });
  }

  t.test('an unchanged file answers 304 to its ETag', async (t) => {
    const first = await get('/dashboard/app.js');
    const etag = first.headers.get('etag');
    t.ok(etag);
    const second = await get('/dashboard/app.js', { 'if-none-match': etag! });
    t.equal(second.status, 304);
  });

  const escapes = [
    '/dashboard/../package.json',
    '/dashboard/%2e%2e/package.json',
    '/dashboard/views/..%2f..%2fpackage.json',
    '/dashboard/%2e%2e%2f%2e%2e%2fsrc/api/dashboard.ts',
    '/dashboard/..%5c..%5cpackage.json',
    '/dashboard/README.md',
    '/dashboard/nope.js',
  ];
  for (const path of escapes) {
    t.test(`${path} is not served`, async (t) => {
      const res = await get(path);
      t.not(res.status, 200);
      t.notMatch(await res.text(), /"name": "switchyard"|registerDashboard/);
    });
  }

  t.test('the browser code loads nothing from another origin', async (t) => {
    const page = await (await get('/dashboard/')).text();
    t.notMatch(page, /https?:\/\//);
  });
});
