import t from 'tap';
import { loadStaticConfig } from '../../../src/config/static-load.js';

async function rawFrom(env: Record<string, string | undefined>): Promise<unknown> {
  return (await loadStaticConfig({ argv: [], env, cwd: '/', searchDirs: [] })).raw;
}

const cases: Array<[string, Record<string, string | undefined>, unknown]> = [
  ['an upper-case variable maps onto camelCase keys', { SWITCHYARD_ENTRYPOINTS_WEB_ADDRESS: ':80' }, { entryPoints: { web: { address: ':80' } } }],
  ['variables without the prefix are ignored', { PATH: '/bin', TRAEFIK_PING: 'true', SWITCHYARD: 'x' }, {}],
  ['undefined values are ignored', { SWITCHYARD_PING: undefined }, {}],
  ['=true enables a section', { SWITCHYARD_PING: 'true', SWITCHYARD_API: '' }, { ping: {}, api: {} }],
  ['booleans and numbers are coerced', { SWITCHYARD_API_INSECURE: 'true', SWITCHYARD_PING_TERMINATINGSTATUSCODE: '500' }, { api: { insecure: true }, ping: { terminatingStatusCode: 500 } }],
  ['lists are comma-separated', { SWITCHYARD_ENTRYPOINTS_WEB_ADDRESS: ':80', SWITCHYARD_ENTRYPOINTS_WEB_HTTP_MIDDLEWARES: 'auth@file,ratelimit@file' }, { entryPoints: { web: { address: ':80', http: { middlewares: ['auth@file', 'ratelimit@file'] } } } }],
  [
    'numeric segments are list indexes',
    { SWITCHYARD_ENTRYPOINTS_WEBSECURE_ADDRESS: ':443', SWITCHYARD_ENTRYPOINTS_WEBSECURE_HTTP_TLS_DOMAINS_0_MAIN: 'example.com', SWITCHYARD_ENTRYPOINTS_WEBSECURE_HTTP_TLS_DOMAINS_0_SANS: 'a.example.com' },
    { entryPoints: { websecure: { address: ':443', http: { tls: { domains: [{ main: 'example.com', sans: ['a.example.com'] }] } } } } },
  ],
  ['an entry point name may contain underscores', { SWITCHYARD_ENTRYPOINTS_MY_EP_ADDRESS: ':81' }, { entryPoints: { my_ep: { address: ':81' } } }],
  ['log level is accepted in lower case', { SWITCHYARD_LOG_LEVEL: 'debug' }, { log: { level: 'debug' } }],
];
for (const [name, env, expected] of cases) {
  t.test(name, async (t) => {
    t.same(await rawFrom(env), expected);
  });
}
