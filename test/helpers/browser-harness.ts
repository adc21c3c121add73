import http from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway-harness.js';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags that keep Chromium quiet and offline: no first-run, no background or update traffic, no QUIC. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless Chromium with a fresh profile, meant to be launched once per test file. */
export interface TestBrowser {
  browser: Browser;
  /** A new page with the given viewport; page errors are collected into `errors`. */
  newPage(viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches Chromium; playwright gives it a fresh temporary profile (its own `--user-data-dir`) and removes it on close.
 * `extraArgs` adds flags, e.g. `--host-resolver-rules=MAP *.test 127.0.0.1` to reach routers by host name.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
  return {
    browser,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, errors };
    },
    async close() {
      await browser.close();
    },
  };
}

/** A gateway with the API and dashboard on the internal entry point (`api.insecure`). */
export async function startDashboardGateway(options: TestGatewayOptions = {}): Promise<TestGateway & { dashboard(hash?: string): string }> {
  const gw = await startTestGateway({ ...options, static: { api: { insecure: true }, ...(options.static ?? {}) } });
  return Object.assign(gw, { dashboard: (hash = '') => gw.url(`/dashboard/${hash}`, 'switchyard') });
}

/** Dynamic configuration the browser tests share: routers in each status, a chain, a health-checked service. */
export function sampleDynamic(backendUrl: string): Record<string, unknown> {
  return {
    http: {
      routers: {
        api: { rule: 'Host(`shop.test`) && PathPrefix(`/api`)', entryPoints: ['web'], middlewares: ['strip-api'], service: 'shop' },
        shop: { rule: 'Host(`shop.test`)', entryPoints: ['web'], service: 'shop' },
        blog: { rule: 'Host(`blog.test`)', entryPoints: ['web'], service: 'blog', priority: 50 },
        orphan: { rule: 'Host(`orphan.test`)', entryPoints: ['web'], service: 'nowhere' },
      },
      middlewares: { 'strip-api': { stripPrefix: { prefixes: ['/api'] } } },
      services: {
        shop: { loadBalancer: { servers: [{ url: backendUrl }, { url: 'http://127.0.0.1:1' }], healthCheck: { path: '/', interval: '200ms', timeout: '500ms' } } },
        blog: { loadBalancer: { servers: [{ url: backendUrl }] } },
      },
    },
  };
}

/** Requests a page made to anything but the gateway's internal entry point (there must be none). */
export function watchForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) foreign.push(request.url());
  });
  return foreign;
}

/** A GET to the gateway with a Host header of our choosing (fetch() will not send one); resolves with the status. */
export function getVia(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}
