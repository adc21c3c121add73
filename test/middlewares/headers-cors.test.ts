import t from 'tap';
import { headersMiddleware } from '../../middlewares/headers/index.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

const preflight = (origin: string, extra: Record<string, string> = {}) => ({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', ...extra } });

t.test('headers: CORS through a real gateway', async (t) => {
  const cg = await startCaseGateway([headersMiddleware], {
    list: [
      {
        headers: {
          accessControlAllowOriginList: ['https://a.example', 'https://b.example'],
          accessControlAllowMethods: ['GET', 'PUT'],
          accessControlAllowHeaders: ['Content-Type', 'X-Token'],
          accessControlExposeHeaders: ['X-Total'],
          accessControlMaxAge: 600,
          customResponseHeaders: { 'X-Custom': 'yes' },
        },
      },
    ],
    any: [{ headers: { accessControlAllowOriginList: ['*'], accessControlAllowMethods: ['GET'] } }],
    creds: [
      {
        headers: {
          accessControlAllowOriginList: ['*'],
          accessControlAllowCredentials: true,
          accessControlAllowMethods: ['*'],
          accessControlAllowHeaders: ['*'],
          accessControlExposeHeaders: ['*'],
        },
      },
    ],
    regex: [{ headers: { accessControlAllowOriginListRegex: ['^https://[a-z]+\\.example\\.org$'] } }],
    vary: [{ headers: { accessControlAllowOriginList: ['*'], addVaryHeader: true } }],
  });
  t.teardown(() => cg.close());

  await t.test('a preflight is answered by the gateway with 200, no body, and the CORS headers', async (t) => {
    const reply = await cg.send('list', '/items', preflight('https://a.example', { 'access-control-request-headers': 'x-token' }));
    t.equal(reply.status, 200);
    t.equal(reply.body, '', 'no body');
    t.equal(reply.headers['content-length'], '0');
    t.notOk(reply.echo, 'not forwarded');
    t.equal(reply.headers['access-control-allow-origin'], 'https://a.example');
    t.equal(reply.headers['access-control-allow-methods'], 'GET,PUT');
    t.equal(reply.headers['access-control-allow-headers'], 'Content-Type,X-Token');
    t.equal(reply.headers['access-control-expose-headers'], 'X-Total');
    t.equal(reply.headers['access-control-max-age'], '600');
    t.equal(reply.headers.vary, 'Origin', 'Vary: Origin, since the allowed origin is echoed');
    t.equal(reply.headers['x-custom'], 'yes', 'custom response headers too');
    t.notOk(reply.headers['access-control-allow-credentials'], 'no credentials unless configured');
  });

  const cases: Array<{
    name: string;
    route: string;
    method?: string;
    headers?: Record<string, string>;
    forwarded: boolean;
    origin: string | undefined;
    vary?: string | undefined;
    credentials?: string;
    expose?: string | undefined;
    allowMethods?: string | undefined;
    allowHeaders?: string | undefined;
  }> = [
    { name: 'a preflight from an origin not in the list gets no Allow-Origin', route: 'list', ...preflight('https://evil.example'), forwarded: false, origin: undefined, vary: 'Origin' },
    { name: 'an OPTIONS without Access-Control-Request-Method is forwarded', route: 'list', method: 'OPTIONS', headers: { origin: 'https://a.example' }, forwarded: true, origin: 'https://a.example', vary: 'Origin' },
    { name: 'an OPTIONS without Origin is forwarded', route: 'list', method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' }, forwarded: true, origin: undefined, vary: 'Origin' },
    { name: 'a simple request from an allowed origin gets Allow-Origin, Expose-Headers and Vary', route: 'list', headers: { origin: 'https://b.example' }, forwarded: true, origin: 'https://b.example', vary: 'Origin', expose: 'X-Total' },
    { name: 'a simple request from another origin gets no Allow-Origin', route: 'list', headers: { origin: 'https://evil.example' }, forwarded: true, origin: undefined, vary: 'Origin', expose: 'X-Total' },
    { name: "'*' allows any origin with '*' and needs no Vary", route: 'any', headers: { origin: 'https://x.example' }, forwarded: true, origin: '*', vary: undefined },
    { name: "'*' answers a preflight with '*'", route: 'any', ...preflight('https://x.example'), forwarded: false, origin: '*', vary: undefined, allowMethods: 'GET' },
    { name: "'*' with credentials echoes the origin, with Vary", route: 'creds', headers: { origin: 'https://x.example' }, forwarded: true, origin: 'https://x.example', vary: 'Origin', credentials: 'true', expose: undefined },
    {
      name: "a preflight with credentials echoes the requested method and headers for '*'",
      route: 'creds',
      ...preflight('https://x.example', { 'access-control-request-headers': 'x-a, x-b' }),
      forwarded: false,
      origin: 'https://x.example',
      vary: 'Origin',
      credentials: 'true',
      allowMethods: 'PUT',
      allowHeaders: 'x-a, x-b',
    },
    { name: 'an origin matching a regex is echoed', route: 'regex', headers: { origin: 'https://shop.example.org' }, forwarded: true, origin: 'https://shop.example.org', vary: 'Origin' },
    { name: 'an origin not matching the regex is not allowed', route: 'regex', headers: { origin: 'https://shop.example.org.evil' }, forwarded: true, origin: undefined, vary: 'Origin' },
    { name: "addVaryHeader adds Vary: Origin even with '*'", route: 'vary', headers: { origin: 'https://x.example' }, forwarded: true, origin: '*', vary: 'Origin' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, '/', { method: c.method ?? 'GET', headers: c.headers ?? {} });
      t.equal(reply.status, 200, 'status');
      t.equal(Boolean(reply.echo), c.forwarded, c.forwarded ? 'forwarded' : 'answered by the gateway');
      t.equal(reply.headers['access-control-allow-origin'], c.origin, 'Access-Control-Allow-Origin');
      t.equal(reply.headers.vary, c.vary, 'Vary');
      t.equal(reply.headers['access-control-allow-credentials'], c.credentials, 'Access-Control-Allow-Credentials');
      if ('expose' in c) t.equal(reply.headers['access-control-expose-headers'], c.expose, 'Access-Control-Expose-Headers');
      if ('allowMethods' in c) t.equal(reply.headers['access-control-allow-methods'], c.allowMethods, 'Access-Control-Allow-Methods');
      if ('allowHeaders' in c) t.equal(reply.headers['access-control-allow-headers'], c.allowHeaders, 'Access-Control-Allow-Headers');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'an invalid origin regex names its index', config: { headers: { accessControlAllowOriginListRegex: ['^ok$', '(bad'] } }, error: /accessControlAllowOriginListRegex\[1\]: invalid regular expression "\(bad"/ },
    { name: 'maxAge must be an integer', config: { headers: { accessControlMaxAge: 'long' } }, error: /accessControlMaxAge/ },
    { name: 'the origin list must be a list', config: { headers: { accessControlAllowOriginList: 'https://a.example' } }, error: /accessControlAllowOriginList/ },
  ]);
});
