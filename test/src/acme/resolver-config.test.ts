import t from 'tap';
import { acmeResolverConfig, acmeResolverConfigs, LETS_ENCRYPT_DIRECTORY } from '../../../src/acme/resolver-config.js';

t.test('defaults follow Traefik: acme.json, Let\'s Encrypt, RSA4096; throttle has safe defaults', async (t) => {
  const c = acmeResolverConfig('le', { email: 'a@b.c', httpChallenge: { entryPoint: 'web' } });
  t.match(c, { name: 'le', storage: 'acme.json', caServer: LETS_ENCRYPT_DIRECTORY, keyType: 'RSA4096', caCertificates: [], httpChallenge: { entryPoint: 'web', delay: 0 } });
  t.same(c.throttle, { maxConcurrent: 2, perMinute: 10, retryInitialDelay: 60_000, retryMaxDelay: 86_400_000 });
  t.equal(c.certificatesDuration, undefined);
});

t.test('dnsChallenge durations and the Traefik v2 spellings are read', async (t) => {
  const v3 = acmeResolverConfig('d', { dnsChallenge: { provider: 'exec', resolvers: ['1.1.1.1:53'], propagation: { delayBeforeChecks: '2s', disableChecks: true } } });
  t.same(v3.dnsChallenge, { provider: 'exec', resolvers: ['1.1.1.1:53'], delayBeforeChecks: 2000, disableChecks: true });
  const v2 = acmeResolverConfig('d', { dnsChallenge: { provider: 'exec', delayBeforeCheck: 3, disablePropagationCheck: true } });
  t.same(v2.dnsChallenge, { provider: 'exec', resolvers: [], delayBeforeChecks: 3000, disableChecks: true });
});

t.test('resolvers that cannot work are refused naming the key', async (t) => {
  const table: Array<[string, object, RegExp]> = [
    ['no challenge', { email: 'a@b.c' }, /one of httpChallenge, tlsChallenge or dnsChallenge/],
    ['half an eab', { tlsChallenge: {}, eab: { kid: 'k' } }, /eab needs both kid and hmacEncoded/],
    ['dns without provider', { dnsChallenge: {} }, /dnsChallenge.provider is required/],
  ];
  for (const [name, input, message] of table) t.throws(() => acmeResolverConfig('x', input), message, name);
});

t.test('resolvers without an acme section (tailscale) are skipped', async (t) => {
  t.same(acmeResolverConfigs({ ts: { tailscale: {} }, le: { acme: { tlsChallenge: {} } } }).map((c) => c.name), ['le']);
});
