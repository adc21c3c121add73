import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { createTestCA } from '../helpers/certs.js';

// /api/certificates (traefik-behaviour.md §4) and the certificate expiry metric (§5) for served certificates.
t.test('served certificates are listed by the API, counted in the overview and exported as metrics', async (t) => {
  const authority = createTestCA();
  const app = authority.issue(['app.test', 'www.app.test']);
  const other = authority.issue(['other.test']);
  const gw = await startTestGateway({
    static: { api: { insecure: true }, metrics: { prometheus: {} } },
    dynamic: { 'tls.yaml': { tls: { certificates: [{ certFile: app.certFile, keyFile: app.keyFile }, { certFile: other.certFile, keyFile: other.keyFile }] } } },
  });
  t.teardown(() => gw.close());
  const api = (path: string) => fetch(gw.url(path, 'switchyard'));

  const list = await api('/api/certificates');
  t.equal(list.status, 200);
  t.equal(list.headers.get('x-next-page'), '1', 'one page');
  const certificates = (await list.json()) as Array<Record<string, unknown>>;
  t.same(certificates.map((c) => c.commonName), ['app.test', 'other.test'], 'sorted by common name by default');
  const first = certificates[0]!;
  t.match(first, { sans: ['app.test', 'www.app.test'], issuerCN: 'Switchyard Test CA', keyType: 'ECDSA', keySize: 256, status: 'warning', source: 'file' }, 'a one-day certificate is in its last 30 days');
  t.match(first.name, /^[0-9a-f]{64}$/, 'named by its SHA-256 fingerprint');

  const cases: Array<[string, string[]]> = [
    ['?search=www', ['app.test']],
    ['?search=OTHER', ['other.test']],
    ['?search=Test%20CA', ['app.test', 'other.test']],
    ['?sortBy=cn&direction=desc', ['other.test', 'app.test']],
    ['?status=warning', ['app.test', 'other.test']],
    ['?status=expired', []],
    ['?per_page=1&page=2', ['other.test']],
  ];
  for (const [query, names] of cases) {
    const response = await api(`/api/certificates${query}`);
    t.same(((await response.json()) as Array<{ commonName: string }>).map((c) => c.commonName), names, `query ${query}`);
  }

  const one = await api(`/api/certificates/${first.name as string}`);
  t.equal(((await one.json()) as { commonName: string }).commonName, 'app.test', 'one certificate by its id');
  const missing = await api('/api/certificates/nope');
  t.equal(missing.status, 404);
  t.same(await missing.json(), { message: 'certificate not found: nope' });

  const overview = (await (await api('/api/overview')).json()) as { certificates: Record<string, number> };
  t.same(overview.certificates, { total: 2, warnings: 2, errors: 0 }, 'the overview counts them');

  const metrics = await (await api('/metrics')).text();
  const expiry = /switchyard_tls_certs_not_after\{cn="app\.test",serial="(\d+)",sans="app\.test,www\.app\.test"\} (\d+)/.exec(metrics);
  t.ok(expiry, 'the expiry metric names the certificate');
  t.equal(Number(expiry?.[2]), Math.floor(Date.parse(first.notAfter as string) / 1000), 'with its notAfter as unix time');

  await gw.writeDynamic('tls.yaml', { tls: { certificates: [{ certFile: other.certFile, keyFile: other.keyFile }] } });
  const after = (await (await api('/api/certificates')).json()) as Array<{ commonName: string }>;
  t.same(after.map((c) => c.commonName), ['other.test'], 'a removed certificate leaves the list');
  t.notMatch(await (await api('/metrics')).text(), /cn="app\.test"/, 'and the metrics');
});
