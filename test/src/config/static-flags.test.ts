import t from 'tap';
import { Type } from '@sinclair/typebox';
import { normalizeLooseSection } from '../../../src/config/static-assign.js';
import { loadStaticConfig } from '../../../src/config/static-load.js';
import { parseFlags, splitFlagName } from '../../../src/config/static-flags.js';
import { StaticConfigSchema } from '../../../src/config/static-schema.js';

async function rawFrom(argv: string[]): Promise<unknown> {
  return (await loadStaticConfig({ argv, env: {}, cwd: '/', searchDirs: [] })).raw;
}

const cases: Array<[string, string[], unknown]> = [
  ['camelCase flags map onto the schema', ['--entryPoints.web.address=:80'], { entryPoints: { web: { address: ':80' } } }],
  ['flag segments are case-insensitive', ['--ENTRYPOINTS.web.ADDRESS=:80', '--log.LEVEL=debug'], { entryPoints: { web: { address: ':80' } }, log: { level: 'debug' } }],
  ['entry point names keep the user spelling', ['--entrypoints.WebSecure.address=:443'], { entryPoints: { WebSecure: { address: ':443' } } }],
  ['a value may follow as the next argument', ['--entrypoints.web.address', ':80'], { entryPoints: { web: { address: ':80' } } }],
  ['a bare boolean flag is true', ['--api.insecure'], { api: { insecure: true } }],
  ['a bare boolean flag may take true or false as the next argument', ['--api.insecure', 'false', '--api.debug'], { api: { insecure: false, debug: true } }],
  ['=true and =false set booleans in any case', ['--api.insecure=TRUE', '--api.dashboard=false'], { api: { insecure: true, dashboard: false } }],
  ['a bare section flag enables it as an empty object', ['--ping', '--accesslog'], { ping: {}, accessLog: {} }],
  ['a section flag does not wipe keys set for it', ['--ping.manualRouting', '--ping'], { ping: { manualRouting: true } }],
  ['section=false removes the section', ['--ping.manualRouting', '--ping=false'], {}],
  ['comma-separated values fill a list', ['--entrypoints.web.address=:80', '--entrypoints.web.forwardedHeaders.trustedIPs=127.0.0.1/32, 192.168.1.7'], { entryPoints: { web: { address: ':80', forwardedHeaders: { trustedIPs: ['127.0.0.1/32', '192.168.1.7'] } } } }],
  ['list items are coerced to the item type', ['--metrics.prometheus.buckets=0.1,0.5,2'], { metrics: { prometheus: { buckets: [0.1, 0.5, 2] } } }],
  [
    'bracket indexes address lists of objects',
    ['--entrypoints.websecure.address=:443', '--entrypoints.websecure.http.tls.domains[0].main=example.com', '--entrypoints.websecure.http.tls.domains[0].sans=a.example.com,b.example.com', '--entrypoints.websecure.http.tls.domains[1].main=example.org'],
    { entryPoints: { websecure: { address: ':443', http: { tls: { domains: [{ main: 'example.com', sans: ['a.example.com', 'b.example.com'] }, { main: 'example.org' }] } } } } },
  ],
  ['integers are coerced', ['--ping.terminatingStatusCode=418', '--serversTransport.maxIdleConnsPerHost=7'], { ping: { terminatingStatusCode: 418 }, serversTransport: { maxIdleConnsPerHost: 7 } }],
  ['durations stay as written', ['--providers.providersThrottleDuration=0s', '--serversTransport.forwardingTimeouts.dialTimeout=5'], { providers: { providersThrottleDuration: '0s' }, serversTransport: { forwardingTimeouts: { dialTimeout: '5' } } }],
  ['resolver content keeps the user spelling', ['--certificatesresolvers.le.acme.email=a@b.c'], { certificatesResolvers: { le: { acme: { email: 'a@b.c' } } } }],
  ['--configFile is not a configuration key', ['--ping'], { ping: {} }],
];
for (const [name, argv, expected] of cases) {
  t.test(name, async (t) => {
    t.same(await rawFrom(argv), expected);
  });
}

t.test('--configFile is read in any case, with = or a following argument', async (t) => {
  t.equal(parseFlags(['--configFile=a.yaml'], StaticConfigSchema).configFile, 'a.yaml');
  t.equal(parseFlags(['--configfile', 'b.toml', '--ping'], StaticConfigSchema).configFile, 'b.toml');
  t.equal(parseFlags(['--CONFIGFILE=c.json'], StaticConfigSchema).configFile, 'c.json');
  t.same(parseFlags(['--configFile'], StaticConfigSchema).problems, ['flag --configFile: needs a file path']);
});

t.test('flag names split into keys and list indexes', async (t) => {
  t.same(splitFlagName('a.b[0].c[1][2]'), ['a', 'b', 0, 'c', 1, 2]);
  t.equal(splitFlagName('a..b'), undefined);
  t.equal(splitFlagName('a[x]'), undefined);
});

t.test('a loosely checked section is typed once its own schema is known', async (t) => {
  const Acme = Type.Object({
    acme: Type.Object({ email: Type.String(), certificatesDuration: Type.Optional(Type.Integer()), tlsChallenge: Type.Optional(Type.Object({})), dnsChallenge: Type.Optional(Type.Object({ resolvers: Type.Array(Type.String()) })), eab: Type.Optional(Type.Object({ kid: Type.String() })) }),
  });
  const raw = (await rawFrom(['--certificatesresolvers.le.acme.email=a@b.c', '--certificatesresolvers.le.acme.certificatesduration=72', '--certificatesresolvers.le.acme.tlschallenge', '--certificatesresolvers.le.acme.dnschallenge.resolvers=1.1.1.1:53,8.8.8.8:53', '--certificatesresolvers.le.acme.eab.kid=123'])) as { certificatesResolvers: { le: unknown } };
  t.same(normalizeLooseSection(Acme, raw.certificatesResolvers.le), { acme: { email: 'a@b.c', certificatesDuration: 72, tlsChallenge: {}, dnsChallenge: { resolvers: ['1.1.1.1:53', '8.8.8.8:53'] }, eab: { kid: '123' } } });
});
