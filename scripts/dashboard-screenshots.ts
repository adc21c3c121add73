import http from 'node:http';
import { mkdir, stat } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { startBackend } from '../test/helpers/backends.js';
import { launchBrowser, startDashboardGateway } from '../test/helpers/browser-harness.js';

// `node --import ./bin/ts-hooks.js scripts/dashboard-screenshots.ts`: boots a demo gateway with traffic and saves the
// dashboard's main pages to docs/screenshots/ (run again after changing the dashboard's look).

const OUT = new URL('../docs/screenshots/', import.meta.url);
const MAX_BYTES = 200 * 1024;

const backendA = await startBackend((req, res) => {
  // The router strips /api before the request reaches this server.
  res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
  res.end('ok');
});
const backendB = await startBackend((_req, res) => res.end('ok'));

const tenants: Record<string, unknown> = {};
for (let i = 1; i <= 40; i++) {
  const id = String(i).padStart(2, '0');
  tenants[`tenant-${id}`] = { rule: `Host(\`t${id}.apps.example.com\`)`, service: 'shop-web', entryPoints: ['web'] };
}
const gw = await startDashboardGateway({
  static: { metrics: { prometheus: { addRoutersLabels: true } } },
  dynamic: {
    'shop.yaml': {
      http: {
        routers: {
          'shop-api': { rule: 'Host(`shop.example.com`) && PathPrefix(`/api`)', entryPoints: ['web'], middlewares: ['api-strip', 'api-headers'], service: 'shop-api' },
          'shop-web': { rule: 'Host(`shop.example.com`)', entryPoints: ['web'], middlewares: ['compress'], service: 'shop-web' },
          blog: { rule: 'Host(`blog.example.com`) || Host(`www.blog.example.com`)', entryPoints: ['web'], service: 'blog' },
          legacy: { rule: 'Host(`old.example.com`)', entryPoints: ['web'], service: 'legacy-app' },
          ...tenants,
        },
        middlewares: {
          'api-strip': { stripPrefix: { prefixes: ['/api'] } },
          'api-headers': { headers: { customResponseHeaders: { 'X-Served-By': 'switchyard' } } },
          compress: { compress: {} },
        },
        services: {
          'shop-api': { loadBalancer: { servers: [{ url: backendA.url }, { url: 'http://127.0.0.1:1' }], healthCheck: { path: '/', interval: '500ms', timeout: '300ms' } } },
          'shop-web': { weighted: { services: [{ name: 'shop-web-v1', weight: 9 }, { name: 'shop-web-v2', weight: 1 }] } },
          'shop-web-v1': { loadBalancer: { servers: [{ url: backendA.url }] } },
          'shop-web-v2': { loadBalancer: { servers: [{ url: backendB.url }] } },
          blog: { loadBalancer: { servers: [{ url: backendB.url }] } },
        },
      },
    },
  },
});
const browser = await launchBrowser();

// Steady traffic, with some 503s on the API, so the rate columns have numbers.
const hit = (host: string, path: string) =>
  new Promise<void>((resolve) => {
    http.get({ host: '127.0.0.1', port: gw.port('web'), path, headers: { host }, agent: false }, (res) => res.resume().on('end', resolve)).on('error', () => resolve());
  });
let tick = 0;
const traffic = setInterval(() => {
  tick++;
  void hit('shop.example.com', tick % 7 === 0 ? '/api/fail' : '/api/cart');
  void hit('shop.example.com', '/');
  if (tick % 3 === 0) void hit('blog.example.com', '/');
}, 40);

async function shoot(page: Page, name: string): Promise<void> {
  const file = new URL(name, OUT);
  await page.screenshot({ path: file.pathname });
  const { size } = await stat(file);
  console.log(`${name}: ${Math.round(size / 1024)} KB${size > MAX_BYTES ? ' (over 200 KB!)' : ''}`);
}

try {
  await mkdir(OUT, { recursive: true });
  const { page } = await browser.newPage({ width: 1200, height: 760 });
  await page.emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' });

  await page.goto(gw.dashboard());
  await page.locator('#live[data-state="live"]').waitFor();
  await page.locator('#stat-routers').waitFor();
  await shoot(page, 'overview.png');

  await page.goto(gw.dashboard('#/routers'));
  await page.waitForFunction(() => [...document.querySelectorAll('.vlist-spacer .col-rate')].some((c) => /\d/.test(c.textContent ?? '') && c.textContent !== '0'), undefined, { timeout: 15_000 });
  await shoot(page, 'routers.png');

  await page.goto(gw.dashboard('#/routers/shop-api%40file'));
  await page.waitForFunction(() => /UP/.test(document.querySelector('.flow-servers')?.textContent ?? '') && /req\/s/.test(document.querySelector('.flow-router')?.textContent ?? ''), undefined, { timeout: 15_000 });
  await shoot(page, 'router-detail.png');

  await page.goto(gw.dashboard('#/routers/legacy%40file'));
  await page.locator('.flow-service').waitFor();
  await shoot(page, 'router-error.png');

  await page.goto(gw.dashboard('#/tester?method=GET&url=http%3A%2F%2Fshop.example.com%2Fapi%2Fcart&entryPoint=web'));
  await page.locator('.candidate.winner').waitFor();
  await page.evaluate(() => document.querySelector('.results')?.scrollIntoView());
  await shoot(page, 'route-tester.png');

  const phone = await browser.newPage({ width: 390, height: 760 });
  await phone.page.emulateMedia({ reducedMotion: 'reduce', colorScheme: 'dark' });
  await phone.page.goto(gw.dashboard('#/routers'));
  await phone.page.locator('.vlist-spacer [role="row"]').first().waitFor();
  await shoot(phone.page, 'phone-routers-dark.png');
} finally {
  clearInterval(traffic);
  await browser.close();
  await gw.close();
  await backendA.close();
  await backendB.close();
}
