import t from 'tap';
import { headersMiddleware } from '../../middlewares/headers/index.js';
import { redirectSchemeMiddleware } from '../../middlewares/redirect-scheme.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('headers: security headers through a real gateway', async (t) => {
  const cg = await startCaseGateway(
    [headersMiddleware, redirectSchemeMiddleware],
    {
      sec: [
        {
          headers: {
            frameDeny: true,
            contentTypeNosniff: true,
            browserXssFilter: true,
            contentSecurityPolicy: "default-src 'self'",
            contentSecurityPolicyReportOnly: 'default-src https:',
            referrerPolicy: 'no-referrer',
            permissionsPolicy: 'camera=()',
            stsSeconds: 31536000,
            stsIncludeSubdomains: true,
            stsPreload: true,
            publicKey: 'pin-sha256="base64=="; max-age=5184000',
            sslProxyHeaders: { 'X-Forwarded-Proto': 'https', 'X-Is-SSL': 'on' },
          },
        },
      ],
      custom: [{ headers: { frameDeny: true, customFrameOptionsValue: 'SAMEORIGIN', customBrowserXSSValue: '0', customResponseHeaders: { 'Referrer-Policy': 'origin' }, referrerPolicy: 'no-referrer' } }],
      forced: [{ headers: { stsSeconds: 60, forceSTSHeader: true } }],
      zero: [{ headers: { stsSeconds: 0, forceSTSHeader: true } }],
      hosts: [{ headers: { allowedHosts: ['hosts.test', 'alias.test:8080'], hostsProxyHeaders: ['X-Forwarded-Host'] } }],
      dev: [{ headers: { isDevelopment: true, allowedHosts: ['elsewhere.test'], stsSeconds: 60, forceSTSHeader: true, frameDeny: true } }],
      deprecated: [{ headers: { sslRedirect: true, sslTemporaryRedirect: true, sslHost: 'secure.test', sslForceHost: true, featurePolicy: 'camera none' } }],
      redirect: [{ headers: { stsSeconds: 60, forceSTSHeader: true, contentTypeNosniff: true } }, { redirectScheme: { scheme: 'https' } }],
    },
    { entryPoints: { web: { forwardedHeaders: { trustedIPs: ['127.0.0.1', '::1'] } }, plain: { address: '127.0.0.1:0' } } },
  );
  t.teardown(() => cg.close());

  await t.test('the fixed security headers are set on the response', async (t) => {
    const reply = await cg.send('sec', '/');
    t.equal(reply.status, 200);
    t.equal(reply.headers['x-frame-options'], 'DENY');
    t.equal(reply.headers['x-content-type-options'], 'nosniff');
    t.equal(reply.headers['x-xss-protection'], '1; mode=block');
    t.equal(reply.headers['content-security-policy'], "default-src 'self'");
    t.equal(reply.headers['content-security-policy-report-only'], 'default-src https:');
    t.equal(reply.headers['referrer-policy'], 'no-referrer');
    t.equal(reply.headers['permissions-policy'], 'camera=()');
  });

  const tlsCases: Array<{ name: string; route: string; headers?: Record<string, string>; entryPoint?: string; sts: string | undefined; pins?: boolean }> = [
    { name: 'HSTS and Public-Key-Pins are not sent on plain HTTP', route: 'sec', sts: undefined, pins: false },
    { name: 'an sslProxyHeaders match marks the request HTTPS: HSTS with its flags', route: 'sec', headers: { 'x-is-ssl': 'on' }, sts: 'max-age=31536000; includeSubDomains; preload', pins: true },
    { name: 'a trusted X-Forwarded-Proto: https matches sslProxyHeaders', route: 'sec', headers: { 'x-forwarded-proto': 'https' }, sts: 'max-age=31536000; includeSubDomains; preload', pins: true },
    { name: 'an untrusted X-Forwarded-Proto does not', route: 'sec', headers: { 'x-forwarded-proto': 'https' }, entryPoint: 'plain', sts: undefined, pins: false },
    { name: 'sslProxyHeaders values compare exactly', route: 'sec', headers: { 'x-is-ssl': 'ON' }, sts: undefined, pins: false },
    { name: 'forceSTSHeader sends HSTS on plain HTTP', route: 'forced', sts: 'max-age=60' },
    { name: 'stsSeconds 0 sends no HSTS even when forced', route: 'zero', sts: undefined },
    { name: 'isDevelopment turns HSTS off', route: 'dev', sts: undefined },
  ];
  for (const c of tlsCases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, '/', { headers: c.headers ?? {}, entryPoint: c.entryPoint ?? 'web' });
      t.equal(reply.status, 200, 'status');
      t.equal(reply.headers['strict-transport-security'], c.sts, 'Strict-Transport-Security');
      if (c.pins !== undefined) t.equal(Boolean(reply.headers['public-key-pins']), c.pins, 'Public-Key-Pins');
    });
  }

  await t.test('custom values override frameDeny and browserXssFilter, and customResponseHeaders override the rest', async (t) => {
    const reply = await cg.send('custom', '/');
    t.equal(reply.headers['x-frame-options'], 'SAMEORIGIN');
    t.equal(reply.headers['x-xss-protection'], '0');
    t.equal(reply.headers['referrer-policy'], 'origin');
  });

  const hostCases: Array<{ name: string; route: string; headers?: Record<string, string>; status: number }> = [
    { name: 'an allowed host is served', route: 'hosts', status: 200 },
    { name: 'an allowed host is served whatever its port and case', route: 'hosts', headers: { host: 'HOSTS.test:9999' }, status: 200 },
    { name: 'a host from hostsProxyHeaders is checked instead of Host', route: 'hosts', headers: { 'x-forwarded-host': 'evil.test' }, status: 400 },
    { name: 'an entry with a port needs that port', route: 'hosts', headers: { 'x-forwarded-host': 'alias.test:8080' }, status: 200 },
    { name: 'an entry with a port refuses another port', route: 'hosts', headers: { 'x-forwarded-host': 'alias.test:9090' }, status: 400 },
    { name: 'isDevelopment turns allowedHosts off', route: 'dev', status: 200 },
  ];
  for (const c of hostCases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, '/', { headers: c.headers ?? {} });
      t.equal(reply.status, c.status, 'status');
      if (c.status === 400) {
        t.equal(reply.body, 'Bad Host\n', 'a plain-text reason');
        t.notOk(reply.echo, 'the server saw nothing');
      }
    });
  }

  await t.test('the deprecated options are accepted and change nothing', async (t) => {
    const reply = await cg.send('deprecated', '/');
    t.equal(reply.status, 200, 'no redirect');
    t.notOk(reply.headers['feature-policy'], 'no Feature-Policy');
    t.equal(cg.gw.gateway.table()!.status.middlewares['deprecated-0@file']?.status, 'enabled');
  });

  await t.test('security headers are on a redirect a later middleware produces', async (t) => {
    const reply = await cg.send('redirect', '/');
    t.equal(reply.status, 302);
    t.equal(reply.headers['strict-transport-security'], 'max-age=60');
    t.equal(reply.headers['x-content-type-options'], 'nosniff');
  });

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'stsSeconds must not be negative', config: { headers: { stsSeconds: -1 } }, error: /stsSeconds/ },
    { name: 'allowedHosts must be a list', config: { headers: { allowedHosts: 'a.test' } }, error: /allowedHosts/ },
    { name: 'sslProxyHeaders values must be strings', config: { headers: { sslProxyHeaders: { 'X-A': true } } }, error: /sslProxyHeaders/ },
  ]);
});
