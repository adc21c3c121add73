import t from 'tap';
import { redirectSchemeMiddleware } from '../../middlewares/redirect-scheme.js';
import { stripPrefixMiddleware } from '../../middlewares/strip-prefix.js';
import { startCaseGateway } from '../helpers/middleware-table.js';
import { checkConfigErrors } from '../helpers/traffic-control.js';

t.test('redirectScheme through a real gateway', async (t) => {
  // `web` trusts the local peer's X-Forwarded-Proto; `plain` does not.
  const cg = await startCaseGateway(
    [redirectSchemeMiddleware, stripPrefixMiddleware],
    {
      https: [{ redirectScheme: { scheme: 'https' } }],
      perm: [{ redirectScheme: { scheme: 'https', permanent: true } }],
      port: [{ redirectScheme: { scheme: 'https', port: '8443' } }],
      numport: [{ redirectScheme: { scheme: 'https', port: 8443 } }],
      defport: [{ redirectScheme: { scheme: 'https', port: '443' } }],
      http: [{ redirectScheme: { scheme: 'http', port: '80' } }],
      stripped: [{ stripPrefix: { prefixes: ['/api'] } }, { redirectScheme: { scheme: 'https' } }],
    },
    { entryPoints: { web: { forwardedHeaders: { trustedIPs: ['127.0.0.1', '::1'] } }, plain: { address: '127.0.0.1:0' } } },
  );
  t.teardown(() => cg.close());

  const cases: Array<{ name: string; route: string; path?: string; method?: string; headers?: Record<string, string>; entryPoint?: string; status: number; location?: string }> = [
    { name: 'a GET over plain HTTP gets 302 to https on the default port', route: 'https', path: '/a/b?x=1&y', status: 302, location: 'https://https.test/a/b?x=1&y' },
    { name: 'a HEAD gets 302 like a GET', route: 'https', method: 'HEAD', status: 302, location: 'https://https.test/' },
    { name: 'a POST gets 307 so the method and body are kept', route: 'https', method: 'POST', status: 307, location: 'https://https.test/' },
    { name: 'a permanent redirect of a GET is 301', route: 'perm', status: 301, location: 'https://perm.test/' },
    { name: 'a permanent redirect of a PUT is 308', route: 'perm', method: 'PUT', status: 308, location: 'https://perm.test/' },
    { name: 'the port of the Host header is dropped', route: 'https', headers: { host: 'https.test:8000' }, status: 302, location: 'https://https.test/' },
    { name: 'a configured port is put in the Location', route: 'port', status: 302, location: 'https://port.test:8443/' },
    { name: 'a port written as a number works too', route: 'numport', status: 302, location: 'https://numport.test:8443/' },
    { name: "the scheme's default port is left out", route: 'defport', status: 302, location: 'https://defport.test/' },
    { name: 'a request already on https (trusted X-Forwarded-Proto) is not redirected', route: 'https', headers: { 'x-forwarded-proto': 'https' }, status: 200 },
    { name: 'X-Forwarded-Proto wss counts as https', route: 'https', headers: { 'x-forwarded-proto': 'wss' }, status: 200 },
    { name: 'X-Forwarded-Proto is compared case-insensitively', route: 'https', headers: { 'x-forwarded-proto': 'HTTPS' }, status: 200 },
    { name: 'an untrusted X-Forwarded-Proto is ignored', route: 'https', headers: { 'x-forwarded-proto': 'https' }, entryPoint: 'plain', status: 302, location: 'https://https.test/' },
    { name: 'already https but on another port than the configured one is redirected', route: 'port', headers: { 'x-forwarded-proto': 'https', host: 'port.test:9000' }, status: 302, location: 'https://port.test:8443/' },
    { name: 'already https on the configured port is not redirected', route: 'port', headers: { 'x-forwarded-proto': 'https', host: 'port.test:8443' }, status: 200 },
    { name: 'a redirect to http from https drops the default port', route: 'http', headers: { 'x-forwarded-proto': 'https' }, status: 302, location: 'http://http.test/' },
    { name: 'a redirect to http is not made for a plain HTTP request', route: 'http', status: 200 },
    { name: 'the Location carries the path as rewritten by earlier middlewares', route: 'stripped', path: '/api/x', status: 302, location: 'https://stripped.test/x' },
    { name: 'the Location carries the normalised path', route: 'https', path: '/a/../b/%7e', status: 302, location: 'https://https.test/b/~' },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const reply = await cg.send(c.route, c.path ?? '/', { method: c.method ?? 'GET', headers: c.headers ?? {}, entryPoint: c.entryPoint ?? 'web' });
      t.equal(reply.status, c.status, 'status');
      if (c.status === 200) return t.ok(reply.echo, 'the request reached the server');
      if (c.location === undefined) return;
      t.equal(reply.headers.location, c.location, 'Location');
      t.notOk(reply.echo, 'the server saw nothing');
      t.match(reply.headers['content-type'], /^text\/plain/, 'a plain-text body');
    });
  }

  await checkConfigErrors(t, cg.gw, cg.backend.url, [
    { name: 'scheme is required', config: { redirectScheme: { port: '443' } }, error: /scheme/ },
    { name: 'an empty scheme is refused', config: { redirectScheme: { scheme: '' } }, error: /scheme: you must provide a target scheme/ },
    { name: 'a scheme that is not a URI scheme is refused', config: { redirectScheme: { scheme: 'ht tp' } }, error: /scheme: "ht tp" is not a URI scheme/ },
    { name: 'a port that is not a number is refused', config: { redirectScheme: { scheme: 'https', port: 'abc' } }, error: /port: "abc" is not a port number/ },
    { name: 'an unknown option is refused', config: { redirectScheme: { scheme: 'https', regex: 'x' } }, error: /regex/ },
  ]);
});
