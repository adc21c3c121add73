import t from 'tap';
import { startBackend } from '../helpers/backends.js';
import { getVia, launchBrowser, sampleDynamic, startDashboardGateway } from '../helpers/browser-harness.js';

const rows = '.vlist-spacer [role="row"]';

t.test('the dashboard in Chromium: live updates, the route tester, traffic rates', async (t) => {
  const backend = await startBackend((req, res) => {
    res.statusCode = req.url?.includes('fail') ? 502 : 200;
    res.end('ok');
  });
  t.teardown(() => backend.close());
  const gw = await startDashboardGateway({
    dynamic: { 'shop.yaml': sampleDynamic(backend.url) },
    static: { metrics: { prometheus: { addRoutersLabels: true } } },
  });
  t.teardown(() => gw.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { page, errors } = await browser.newPage();

  t.test('a new router appears in the open list without a reload', async (t) => {
    await page.goto(gw.dashboard('#/routers'));
    await page.locator('#live[data-state="live"]').waitFor();
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 4, rows);
    // A marker on window survives only if the page is never reloaded.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const before = gw.gateway.version();
    await gw.writeDynamic('extra.yaml', { http: { routers: { late: { rule: 'Host(`late.test`)', service: 'blog@file', entryPoints: ['web'] } } } });
    await page.locator(`${rows}:has-text("late@file")`).waitFor({ timeout: 10_000 });
    t.equal(await page.locator(`${rows}.flash:has-text("late@file")`).count(), 1, 'the added row is highlighted');
    t.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'same document');
    t.equal(await page.locator('#live').getAttribute('data-version'), String(before + 1));
    t.equal(await page.locator(rows).count(), 5);
  });

  t.test('an open detail page follows its router when it breaks', async (t) => {
    await page.goto(gw.dashboard('#/routers/late%40file'));
    await page.locator('.flow-service').waitFor();
    t.match(await page.locator('.summary').textContent(), /enabled/);
    await gw.writeDynamic('extra.yaml', { http: { routers: { late: { rule: 'Host(`late.test`)', service: 'gone@file', entryPoints: ['web'] } } } });
    await page.locator('.flow-service:has-text("Service not found")').waitFor({ timeout: 10_000 });
    t.match(await page.locator('.summary').textContent(), /disabled/);
  });

  t.test('the route tester names the router that takes a request and why the others do not', async (t) => {
    await page.goto(gw.dashboard('#/tester'));
    await page.locator('#t-ep option[value="web"]').waitFor({ state: 'attached' });
    await page.fill('#t-method', 'POST');
    await page.fill('#t-url', 'http://shop.test/api/cart');
    await page.fill('#t-headers', 'X-Trace: 1');
    await page.fill('#t-ip', '203.0.113.9');
    await page.selectOption('#t-ep', 'web');
    await page.click('button[type="submit"]');
    const winner = page.locator('.candidate.winner');
    await winner.waitFor();
    t.match(await winner.textContent(), /takes the request.*api@file/);
    t.equal(await winner.getAttribute('aria-current'), 'true');
    t.match(await page.locator('.result h2').textContent(), /web: api@file/);
    t.match(await page.locator('.result .flow').textContent(), /strip-api@file.*shop@file/);
    const shadowed = page.locator('.candidate:has-text("shop@file")');
    t.match(await shadowed.textContent(), /matches, but is shadowed.*api@file comes first/);
    t.match(await page.locator('.candidate:has-text("blog@file")').textContent(), /Host\(`blog\.test`\) is false/);
    t.match(await page.evaluate(() => location.hash), /url=http%3A%2F%2Fshop\.test%2Fapi%2Fcart/);
    t.match(await page.evaluate(() => location.hash), /clientIP=203\.0\.113\.9/);
  });

  t.test('a request that no router takes is a 404', async (t) => {
    await page.fill('#t-url', 'http://unknown.test/');
    await page.click('button[type="submit"]');
    await page.locator('.result-none').waitFor();
    t.match(await page.locator('.result h2').textContent(), /no router/);
  });

  t.test('request and error rates come from /metrics', async (t) => {
    for (let i = 0; i < 20; i++) await getVia(gw.port('web'), 'blog.test', i % 4 === 0 ? '/fail' : '/');
    await page.goto(gw.dashboard('#/services'));
    await page.waitForFunction(() => !document.querySelector('.vlist')?.classList.contains('no-rates'));
    // The first two scrapes are two seconds apart; traffic between them makes a rate.
    const traffic = setInterval(() => void getVia(gw.port('web'), 'blog.test', '/').catch(() => undefined), 50);
    t.teardown(() => clearInterval(traffic));
    await page.waitForFunction(() => {
      const row = [...document.querySelectorAll('.vlist-spacer [role="row"]')].find((r) => r.textContent?.includes('blog@file'));
      const rate = row?.querySelectorAll('.col-rate')[0]?.textContent ?? '—';
      return rate !== '—' && rate !== '0';
    }, undefined, { timeout: 15_000 });
    clearInterval(traffic);
    t.pass('blog@file shows a request rate');
  });

  t.test('without metrics configured the rate columns stay hidden', async (t) => {
    const plain = await startDashboardGateway({ dynamic: { 'shop.yaml': sampleDynamic(backend.url) } });
    t.teardown(() => plain.close());
    const other = await browser.newPage();
    t.teardown(() => other.page.close());
    await other.page.goto(plain.dashboard('#/services'));
    await other.page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, rows);
    await other.page.waitForTimeout(300);
    t.ok(await other.page.locator('.vlist.no-rates').count(), 'no rate columns');
  });

  t.test('no page error', async (t) => {
    t.same(errors, []);
  });
});

