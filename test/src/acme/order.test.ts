import t from 'tap';
import * as acme from 'acme-client';
import { certificateRequest } from '../../../src/acme/order.js';
import { createKey } from '../../../src/acme/acme-client.js';

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
