import t from 'tap';
import { launchBrowser, startDashboardGateway } from '../helpers/browser-harness.js';

const ROUTERS = 5000;
const rows = '.vlist-spacer [role="row"]';
// The viewport shows about twenty rows; the list adds a few above and below. Far below a page of results.
const MAX_ROWS_IN_DOM = 60;

t.test('5,000 routers: the list renders, scrolls to the end, and keeps a bounded number of rows', async (t) => {
  const routers: Record<string, unknown> = {};
  for (let i = 0; i < ROUTERS; i++) {
    routers[`r-${String(i).padStart(4, '0')}`] = { rule: `Host(\`h${i}.test\`) && PathPrefix(\`/p${i % 10}\`)`, service: 'svc', entryPoints: ['web'] };
  }
  const gw = await startDashboardGateway({
    dynamic: { 'many.yaml': { http: { routers, services: { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } } } } },
  });
  t.teardown(() => gw.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { page, errors } = await browser.newPage({ width: 1280, height: 900 });

  const started = Date.now();
  await page.goto(gw.dashboard('#/routers'));
  await page.locator(`${rows}:has-text("r-0000@file")`).waitFor();
  t.ok(Date.now() - started < 10_000, `first rows in ${Date.now() - started} ms`);
  const first = await page.locator(rows).count();
  t.ok(first > 5 && first <= MAX_ROWS_IN_DOM, `${first} rows in the DOM at the top`);

  // Scroll to the end again and again: each time the list asks the API for the next page (X-Next-Page).
  let maxRows = first;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const done = await page.evaluate(() => {
      const viewport = document.querySelector('.vlist-viewport')!;
      viewport.scrollTop = viewport.scrollHeight;
      return !document.querySelector('.list-count')!.textContent!.includes('more');
    });
    maxRows = Math.max(maxRows, await page.locator(rows).count());
    if (done) break;
    await page.waitForTimeout(50);
  }
  await page.locator(`${rows}:has-text("r-4999@file")`).waitFor();
  t.equal(await page.locator('.list-count').textContent(), '5,000 routers');
  t.ok(await page.locator(`${rows}:has-text("r-4999@file")`).isVisible(), 'the last router is on screen');
  t.ok(maxRows <= MAX_ROWS_IN_DOM, `at most ${maxRows} rows in the DOM while scrolling`);
  t.equal(await page.locator('.vlist').getAttribute('aria-rowcount'), String(ROUTERS + 1));

  await page.focus('.vlist');
  await page.keyboard.press('Home');
  await page.locator(`${rows}.active:has-text("r-0000@file")`).waitFor();
  await page.keyboard.press('PageDown');
  t.ok((await page.locator(rows).count()) <= MAX_ROWS_IN_DOM, 'still bounded after keyboard paging');

  // The list shrinks under the reader: the pages past the new end answer 400 and the list just ends there.
  const fewer = Object.fromEntries(Object.entries(routers).slice(0, 1000));
  await gw.writeDynamic('many.yaml', { http: { routers: fewer, services: { svc: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:1' }] } } } } });
  await page.waitForFunction(() => document.querySelector('.list-count')?.textContent === '1,000 routers', undefined, { timeout: 30_000 });
  t.ok(await page.locator('.error-banner').isHidden(), 'no error shown');

  await page.fill('#list-search', 'r-0321');
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, rows);
  t.match(await page.locator(rows).textContent(), /r-0321@file/);
  t.same(errors, []);
});
