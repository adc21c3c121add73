import t from 'tap';
import { parseServerUrl } from '../../../src/config/server-url.js';

t.test('a server URL is parsed once and its parse and targets are shared', async (t) => {
  const first = parseServerUrl('http://10.0.0.1:8080/base');
  const again = parseServerUrl('http://10.0.0.1:8080/base');
  t.ok(first);
  t.equal(again, first, 'the same text gives the same parse');
  t.equal(first!.url.host, '10.0.0.1:8080');
  t.equal(first!.target.url, first!.url);
  t.notOk(first!.target.preservePath);
  t.equal(first!.preservedTarget.url, first!.url);
  t.equal(first!.preservedTarget.preservePath, true);
  t.ok(Object.isFrozen(first!.target) && Object.isFrozen(first!.preservedTarget), 'targets cannot be changed by one of the services sharing them');
});

t.test('text that is not a URL gives undefined, every time', async (t) => {
  for (const text of ['not a url', '', 'http://[::1']) {
    t.equal(parseServerUrl(text), undefined, JSON.stringify(text));
    t.equal(parseServerUrl(text), undefined, `${JSON.stringify(text)} again`);
  }
});
