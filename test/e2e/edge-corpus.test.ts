import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startRecordingBackend, header } from './edge-corpus/recording-backend.js';
import { exchange } from './edge-corpus/client.js';
import type { EdgeCase } from './edge-corpus/case.js';
import { framingCases } from './edge-corpus/framing.js';
import { targetCases } from './edge-corpus/targets.js';
import { hostCases } from './edge-corpus/host.js';
import { pathCases } from './edge-corpus/paths.js';
import { headerCases } from './edge-corpus/headers.js';
import { expectUpgradeCases } from './edge-corpus/expect-upgrade.js';

// The raw-bytes corpus (docs/security.md): every case is refused with its status and reaches no
// server, or reaches exactly one server exactly once, in normalised form.
const families: Record<string, EdgeCase[]> = {
  framing: framingCases,
  targets: targetCases,
  host: hostCases,
  paths: pathCases,
  headers: headerCases,
  'expect and upgrade': expectUpgradeCases,
};

t.test('the edge corpus has at least 80 cases, each with a source', async (t) => {
  const all = Object.values(families).flat();
  t.ok(all.length >= 80, `${all.length} cases`);
  t.same(all.filter((c) => !c.source.trim()).map((c) => c.name), []);
  t.equal(new Set(all.map((c) => c.name)).size, all.length, 'case names are unique');
});

t.test('the gateway answers every corpus case as expected', async (t) => {
  const routes = ['root', 'public', 'admin', 'host'];
  const backend = await startRecordingBackend(routes);
  const entryPoints = ['web', 'strict', 'lenient'];
  const router = (rule: string, route: string, priority: number) => ({ rule, service: route, priority, entryPoints });
  const gw = await startTestGateway({
    static: {
      entryPoints: {
        // Tight limits and every optional encoded character refused.
        strict: {
          address: '127.0.0.1:0',
          http: {
            maxHeaderBytes: 4096,
            maxHeaderCount: 20,
            underscoreHeadersStrategy: 'reject',
            encodedCharacters: { allowEncodedSemicolon: false, allowEncodedPercent: false, allowEncodedQuestionMark: false, allowEncodedHash: false },
          },
        },
        // The Traefik-compatible relaxations.
        lenient: { address: '127.0.0.1:0', http: { sanitizePath: false, underscoreHeadersStrategy: 'keep', encodedCharacters: { allowEncodedSlash: true } } },
      },
    },
    dynamic: {
      'corpus.yaml': {
        http: {
          routers: {
            root: router('PathPrefix(`/`)', 'root', 1),
            public: router('PathPrefix(`/public`)', 'public', 10),
            admin: router('PathPrefix(`/admin`)', 'admin', 10),
            host: router('Host(`example.com`)', 'host', 100),
          },
          services: Object.fromEntries(routes.map((r) => [r, { loadBalancer: { servers: [{ url: `http://127.0.0.1:${backend.ports[r]}` }] } }])),
        },
      },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await backend.close();
  });

  for (const [family, cases] of Object.entries(families)) {
    await t.test(family, async (t) => {
      for (const c of cases) {
        await t.test(`${c.name} (${c.source})`, async (t) => {
          const before = backend.seen.length;
          const garbageBefore = backend.garbage.length;
          const got = await exchange(gw.port(c.entryPoint ?? 'web'), c.raw);
          const reached = backend.seen.slice(before);
          t.equal(backend.garbage.length, garbageBefore, 'no server received bytes it could not frame');
          t.ok(reached.length <= 1, `at most one request reached a server (got ${reached.length})`);
          t.equal(got.finals, 1, `exactly one final response (statuses ${got.statuses.join(',')})`);
          const final = got.statuses.find((s) => s >= 200 || s === 101);
          t.teardown(() => {
            if (!t.passing()) t.comment(`the client received ${JSON.stringify(got.text.slice(0, 500))}`);
          });
          if ('status' in c.expect) {
            t.equal(final, c.expect.status, 'status');
            t.equal(reached.length, 0, 'nothing reached a server');
            return;
          }
          const f = c.expect.forwarded;
          t.equal(final, f.status ?? 200, 'status');
          if (f.interim !== undefined) t.ok(got.statuses.includes(f.interim), `interim ${f.interim} sent`);
          const seen = reached[0];
          if (!t.ok(seen, 'the request reached a server') || !seen) return;
          if (f.route !== undefined) t.equal(seen.route, f.route, 'route');
          if (f.path !== undefined) t.equal(seen.target, f.path, 'forwarded path');
          for (const [name, value] of Object.entries(f.present ?? {})) {
            const actual = header(seen, name);
            if (value === true) t.ok(actual !== undefined, `${name} present`);
            else t.equal(actual, value, `${name} forwarded`);
          }
          for (const name of f.absent ?? []) t.equal(header(seen, name), undefined, `${name} absent`);
          if (f.body !== undefined) t.equal(seen.body.toString('latin1'), f.body, 'body');
          if (!t.passing()) t.comment(`the server received ${JSON.stringify(seen.raw.toString('latin1').slice(0, 2000))}`);
        });
      }
    });
  }
});
