import t from 'tap';
import * as acme from 'acme-client';
import { certificateRequest, chosenProfile } from '../../../src/acme/order.js';
import { createKey, limitAcmeRequestTime } from '../../../src/acme/acme-client.js';

t.test('the CSR carries the main name as common name unless disableCommonName is set', async (t) => {
  const key = await createKey('EC256');
  const domain = { main: 'www.app.test', sans: ['api.app.test'] };
  const cases = [
    { name: 'default', disableCommonName: false, commonName: 'www.app.test' },
    { name: 'disableCommonName', disableCommonName: true, commonName: undefined },
  ];
  for (const c of cases) {
    const read = acme.crypto.readCsrDomains(await certificateRequest(domain, key, { disableCommonName: c.disableCommonName }));
    t.equal(read.commonName ?? undefined, c.commonName, `${c.name}: common name`);
    t.same([...read.altNames].sort(), ['api.app.test', 'www.app.test'], `${c.name}: every name is a SAN`);
  }
});

t.test('a profile is sent only when the CA lists it, refused when the CA lists others, omitted when it lists none', async (t) => {
  const clientListing = (profiles: Record<string, string> | null) => ({ api: { http: { getMetaField: async (field: string) => (field === 'profiles' ? profiles : null) } } }) as unknown as acme.Client;
  const cases: Array<{ name: string; profiles: Record<string, string> | null; wanted?: string; sent?: string }> = [
    { name: 'listed', profiles: { classic: 'x', shortlived: 'y' }, wanted: 'shortlived', sent: 'shortlived' },
    { name: 'no profiles listed', profiles: null, wanted: 'shortlived', sent: undefined },
    { name: 'none wanted', profiles: { classic: 'x' }, wanted: undefined, sent: undefined },
  ];
  for (const c of cases) t.equal(await chosenProfile(clientListing(c.profiles), { profile: c.wanted } as never), c.sent, c.name);
  await t.rejects(chosenProfile(clientListing({ classic: 'x' }), { profile: 'tlsserver' } as never), /profile "tlsserver" is not offered by the CA \(it offers classic\)/);
});

t.test('each resolver\'s clientTimeout bounds requests to the CA; the longest wins', async (t) => {
  const before = acme.axios.defaults.timeout;
  t.teardown(() => void (acme.axios.defaults.timeout = before));
  acme.axios.defaults.timeout = 0;
  limitAcmeRequestTime(30_000);
  t.equal(acme.axios.defaults.timeout, 30_000);
  limitAcmeRequestTime(5_000);
  t.equal(acme.axios.defaults.timeout, 30_000, 'a shorter setting of another resolver does not cut the longer one');
  limitAcmeRequestTime(120_000);
  t.equal(acme.axios.defaults.timeout, 120_000);
});
