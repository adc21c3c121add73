import t from 'tap';
import { startBackend } from '../helpers/backends.js';
import { getVia, launchBrowser, sampleDynamic, startDashboardGateway } from '../helpers/browser-harness.js';

const rows = '.vlist-spacer [role="row"]';


t.test('the dashboard in Chromium: router rates with their 5xx share, labels and keyboard', async (t) => {
  // Every request to blog.test fails: its router's 5xx share must read 100 %.
  const backend = await startBackend((req, res) => {
    res.statusCode = req.headers.host === 'blog.test' ? 503 : 200;
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

  t.test('the overview names the features that are on', async (t) => {
    await page.goto(gw.dashboard());
    await page.locator('.features').waitFor();
    t.match(await page.locator('.features').textContent(), /Tracing\s*off.*Metrics\s*Prometheus.*Access log/s);
  });

  t.test('the routers list shows request rate and 5xx share per router from /metrics', async (t) => {
    await page.goto(gw.dashboard('#/routers'));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 4, rows);
    await page.waitForFunction(() => !document.querySelector('.vlist')?.classList.contains('no-rates'), undefined, { timeout: 15_000 });
    t.same(await page.locator('[role="columnheader"].col-rate').allTextContents(), ['Req/s', '5xx'], 'two rate columns');
    const traffic = setInterval(() => {
      void getVia(gw.port('web'), 'blog.test', '/').catch(() => undefined);
      void getVia(gw.port('web'), 'shop.test', '/').catch(() => undefined);
    }, 50);
    t.teardown(() => clearInterval(traffic));
    const cells = await page.waitForFunction(
      () => {
        const read = (name: string) => {
          const row = [...document.querySelectorAll('.vlist-spacer [role="row"]')].find((r) => r.querySelector('[role="gridcell"]:nth-child(2)')?.textContent === name);
          return [...(row?.querySelectorAll('.col-rate') ?? [])].map((c) => c.textContent ?? '');
        };
        const blog = read('blog@file');
        const shop = read('shop@file');
        const moving = (cells: string[]) => cells[0] !== undefined && cells[0] !== '—' && cells[0] !== '0';
        return moving(blog) && moving(shop) ? { blog, shop } : null;
      },
      undefined,
      { timeout: 20_000 },
    );
    clearInterval(traffic);
    const { blog, shop } = (await cells.jsonValue()) as { blog: string[]; shop: string[] };
    t.match(blog[1], /^100\s?%$/, `every blog@file answer is a 5xx: ${blog[1]}`);
    t.match(shop[1], /^0\s?%$/, `no shop@file answer is a 5xx: ${shop[1]}`);
  });

  t.test('a router detail page shows its rates', async (t) => {
    const traffic = setInterval(() => void getVia(gw.port('web'), 'blog.test', '/').catch(() => undefined), 50);
    t.teardown(() => clearInterval(traffic));
    await page.goto(gw.dashboard('#/routers/blog%40file'));
    await page.waitForFunction(() => /req\/s.*100\s?% 5xx/.test(document.querySelector('.flow-router .rates')?.textContent ?? ''), undefined, { timeout: 20_000 });
    clearInterval(traffic);
    t.pass('the router card shows its request rate and a 100 % 5xx share');
  });

  t.test('every form control of the list and the route tester has a label', async (t) => {
    for (const hash of ['#/routers', '#/services', '#/middlewares', '#/tester']) {
      await page.goto(gw.dashboard(hash));
      await page.locator('main input, main select, main textarea').first().waitFor();
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('main input, main select, main textarea, main button, nav a, main a')]
          .filter((el) => (el as HTMLElement).offsetParent !== null)
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            const text = el.textContent?.trim();
            return !labelled && !text;
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      t.same(unnamed, [], `${hash}: no control without an accessible name`);
    }
    t.ok(await page.getByLabel('URL', { exact: false }).first().isVisible(), 'the tester URL field is found by its label');
  });

  t.test('the route tester works from the keyboard alone', async (t) => {
    await page.goto(gw.dashboard('#/tester'));
    await page.locator('#t-ep option[value="web"]').waitFor({ state: 'attached' });
    await page.focus('#t-url');
    await page.keyboard.type('http://blog.test/');
    await page.keyboard.press('Enter');
    const winner = page.locator('.candidate.winner');
    await winner.waitFor();
    t.match(await winner.textContent(), /blog@file/, 'Enter in the form submits it');
  });

  t.test('no page error', async (t) => {
    t.same(errors, []);
  });
});
