import t from 'tap';
import { startBackend } from '../helpers/backends.js';
import { launchBrowser, sampleDynamic, startDashboardGateway, watchForeignRequests } from '../helpers/browser-harness.js';

const rows = '.vlist-spacer [role="row"]';

t.test('the dashboard in Chromium: overview, lists, detail pages', async (t) => {
  const backend = await startBackend((_req, res) => res.end('ok'));
  t.teardown(() => backend.close());
  const gw = await startDashboardGateway({ dynamic: { 'shop.yaml': sampleDynamic(backend.url) } });
  t.teardown(() => gw.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { page, errors } = await browser.newPage();
  const origin = new URL(gw.dashboard()).origin;
  const foreign = watchForeignRequests(page, origin);

  t.test('the overview shows entry points, counts by status, providers and the live indicator', async (t) => {
    await page.goto(gw.dashboard());
    await page.locator('#stat-routers').waitFor();
    t.match(await page.locator('.entry-points').textContent(), /web/);
    t.equal((await page.locator('a.count-enabled[href="#/routers?status=enabled"] .count-value').textContent())?.trim(), '3');
    t.equal((await page.locator('a.count-disabled[href="#/routers?status=disabled"] .count-value').textContent())?.trim(), '1');
    t.match(await page.locator('.providers').textContent(), /file.*connected/);
    t.match(await page.locator('.features').textContent(), /Version/);
    await page.locator('#live[data-state="live"]').waitFor();
    t.equal(await page.locator('#live-text').textContent(), 'Live');
  });

  t.test('a count links to the list filtered by that status', async (t) => {
    await page.click('a.count-disabled[href="#/routers?status=disabled"]');
    await page.waitForFunction(() => location.hash === '#/routers?status=disabled');
    await page.locator(`${rows}:has-text("orphan@file")`).waitFor();
    t.equal(await page.locator(rows).count(), 1);
    t.ok(await page.locator('input[type="radio"][value="disabled"]').isChecked());
  });

  t.test('the status filter, the search and the sort are kept in the URL', async (t) => {
    await page.check('input[type="radio"][value=""]');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 4, rows);
    await page.fill('#list-search', 'shop');
    await page.waitForFunction(() => location.hash.includes('search=shop'));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, rows);
    t.same(await page.locator(`${rows} [role="gridcell"]:nth-child(2)`).allTextContents(), ['api@file', 'shop@file']);
    await page.click('button.sort:has-text("Priority")');
    await page.waitForFunction(() => location.hash.includes('sortBy=priority'));
    t.equal(await page.locator('[role="columnheader"]:has(button:has-text("Priority"))').getAttribute('aria-sort'), 'ascending');
    await page.click('button.sort:has-text("Priority")');
    await page.waitForFunction(() => location.hash.includes('direction=desc'));
    await page.waitForFunction((sel) => document.querySelector(`${sel} [role="gridcell"]:nth-child(2)`)?.textContent === 'api@file', rows);
    t.pass('the longer rule (higher default priority) comes first in descending order');
  });

  t.test('a shared URL restores the filters', async (t) => {
    await page.goto(gw.dashboard('#/routers?status=enabled&search=blog'));
    await page.reload();
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, rows);
    t.equal(await page.inputValue('#list-search'), 'blog');
    t.ok(await page.locator('input[type="radio"][value="enabled"]').isChecked());
  });

  t.test('a router detail page draws entry points → router → middlewares → service → servers with health', async (t) => {
    await page.goto(gw.dashboard('#/routers'));
    await page.click(`${rows} a:has-text("api@file")`);
    await page.waitForFunction(() => location.hash === '#/routers/api%40file');
    const flow = page.locator('ol.flow');
    await flow.waitFor();
    t.match(await flow.locator('.flow-entrypoints').textContent(), /web/);
    t.match(await flow.locator('.flow-router').textContent(), /Host\(`shop\.test`\) && PathPrefix\(`\/api`\)/);
    t.match(await flow.locator('.flow-middlewares').textContent(), /strip-api@file.*stripprefix/);
    t.match(await flow.locator('.flow-service').textContent(), /shop@file/);
    // Health checks run every 200 ms: wait for both verdicts to reach the page through live refreshes or a reload.
    await t.resolves(waitForServers(page, backend.url));
    t.equal(await page.title(), 'api@file · Switchyard');
  });

  t.test('an error is shown where it occurs: a missing service on a disabled router', async (t) => {
    await page.goto(gw.dashboard('#/routers/orphan%40file'));
    await page.locator('.flow-service').waitFor();
    t.match(await page.locator('.flow-router .errors').textContent(), /nowhere@file/);
    t.match(await page.locator('.flow-service').textContent(), /Service not found/);
    t.match(await page.locator('.summary').textContent(), /disabled/);
  });

  t.test('service and middleware pages list the routers that use them', async (t) => {
    await page.goto(gw.dashboard('#/services/shop%40file'));
    await page.locator('.used-by').waitFor();
    t.same(await page.locator('.used-by a').allTextContents(), ['api@file', 'shop@file']);
    await page.click('a:has-text("Show them in the routers list")');
    await page.waitForFunction((sel) => location.hash.includes('serviceName=shop%40file') && document.querySelectorAll(sel).length === 2, rows);
    t.match(await page.locator('.chip').textContent(), /service: shop@file/);
    await page.click('.chip');
    await page.waitForFunction((sel) => !location.hash.includes('serviceName') && document.querySelectorAll(sel).length === 4, rows);
    await page.goto(gw.dashboard('#/middlewares/strip-api%40file'));
    await page.locator('.used-by').waitFor();
    t.match(await page.locator('.config').first().textContent(), /prefixes.*\/api/);
  });

  t.test('the certificates list says there are none yet', async (t) => {
    await page.goto(gw.dashboard('#/certificates'));
    await page.locator('.vlist-empty:not([hidden])').waitFor();
    t.match(await page.locator('.vlist-empty').textContent(), /none yet/i);
  });

  t.test('the list works from the keyboard: arrows move, Enter opens', async (t) => {
    await page.goto(gw.dashboard('#/routers'));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 4, rows);
    await page.focus('.vlist');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const active = await page.locator('.vlist').getAttribute('aria-activedescendant');
    t.match(await page.locator(`#${active}`).textContent(), /blog@file/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/routers/blog%40file');
    t.pass('Enter opened the second router');
  });

  t.test('on a phone the menu folds and the list keeps its essential columns', async (t) => {
    const phone = await browser.newPage({ width: 390, height: 800 });
    t.teardown(() => phone.page.close());
    await phone.page.goto(gw.dashboard('#/routers'));
    await phone.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 4, rows);
    t.notOk(await phone.page.locator('#nav').isVisible());
    await phone.page.click('.nav-toggle');
    t.ok(await phone.page.locator('#nav').isVisible());
    t.equal(await phone.page.locator('.nav-toggle').getAttribute('aria-expanded'), 'true');
    t.notOk(await phone.page.locator(`${rows} .col-rule`).first().isVisible());
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    t.equal(overflow, 0, 'nothing scrolls sideways');
  });

  t.test('the Prometheus reader handles escaped labels, other prefixes and counter resets', async (t) => {
    const result = await page.evaluate(async () => {
      // A variable specifier keeps TypeScript from resolving the browser module.
      const specifier = './metrics.js';
      const m = await import(specifier);
      const before = m.parsePrometheus('# TYPE traefik_service_requests_total counter\ntraefik_service_requests_total{code="200",service="a\\"b@file"} 10\ntraefik_service_requests_total{code="502",service="c@file"} 50\n');
      const after = m.parsePrometheus('traefik_service_requests_total{code="200",service="a\\"b@file"} 30\ntraefik_service_requests_total{code="500",service="a\\"b@file"} 10\ntraefik_service_requests_total{code="502",service="c@file"} 4\n');
      const rates = m.computeRates(m.countRequests(before, 'service'), m.countRequests(after, 'service'), 2);
      return Object.fromEntries(rates);
    });
    t.same(result, { 'a"b@file': { perSecond: 15, errorRatio: 1 / 3 }, 'c@file': { perSecond: 2, errorRatio: 1 } });
  });

  t.test('no page error and no request left the gateway', async (t) => {
    t.same(errors, []);
    t.same(foreign, []);
  });
});

async function waitForServers(page: import('playwright-core').Page, upUrl: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = (await page.locator('.flow-servers').textContent()) ?? '';
    if (text.includes(upUrl) && /UP/.test(text) && /DOWN/.test(text)) return;
    await page.reload();
    await page.locator('.flow-servers').waitFor();
  }
  throw new Error('server health did not reach the page');
}
