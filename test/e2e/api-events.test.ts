import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { openEvents } from '../src/api/api-fixture.js';

const base = {
  http: {
    routers: { keep: { rule: 'Host(`keep.test`)', service: 's' }, edit: { rule: 'Host(`edit.test`)', service: 's' } },
    services: { s: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } },
  },
};

t.test('the event stream says hello, then describes each applied configuration', async (t) => {
  const gw = await startTestGateway({ static: { api: { insecure: true } }, dynamic: { 'base.yaml': base } });
  t.teardown(() => gw.close());
  const stream = await openEvents(gw.url('/api/events', 'switchyard'));
  t.teardown(() => stream.close());
  t.equal(stream.status, 200);
  t.match(stream.contentType, /^text\/event-stream/);
  const hello = await stream.next();
  t.equal(hello.event, 'hello');
  t.same(JSON.parse(hello.data!), { version: gw.gateway.version(), ready: true });

  const cases: Array<[string, unknown, Record<string, Record<string, string[]>>]> = [
    [
      'a new file adds a router and a middleware, and changes the service it uses',
      { http: { routers: { extra: { rule: 'Host(`extra.test`)', service: 's', middlewares: ['ct'] } }, middlewares: { ct: { contentType: {} } } } },
      {
        added: { routers: ['extra@file'], services: [], middlewares: ['ct@file'] },
        removed: { routers: [], services: [], middlewares: [] },
        changed: { routers: [], services: ['s@file'], middlewares: [] },
      },
    ],
    [
      'an edited rule is a changed router',
      { http: { routers: { extra: { rule: 'Host(`extra2.test`)', service: 's', middlewares: ['ct'] } }, middlewares: { ct: { contentType: {} } } } },
      {
        added: { routers: [], services: [], middlewares: [] },
        removed: { routers: [], services: [], middlewares: [] },
        changed: { routers: ['extra@file'], services: [], middlewares: [] },
      },
    ],
    [
      'emptying the file removes what it held',
      { http: {} },
      {
        added: { routers: [], services: [], middlewares: [] },
        removed: { routers: ['extra@file'], services: [], middlewares: ['ct@file'] },
        changed: { routers: [], services: ['s@file'], middlewares: [] },
      },
    ],
  ];
  for (const [name, content, expected] of cases) {
    await gw.writeDynamic('extra.yaml', content);
    const event = await stream.next();
    const message = JSON.parse(event.data!);
    t.equal(event.event, undefined, `${name}: a plain message`);
    t.equal(event.id, String(gw.gateway.version()), `${name}: the id is the version`);
    t.equal(message.version, gw.gateway.version(), name);
    t.ok(Math.abs(Date.parse(message.at) - Date.now()) < 10_000, `${name}: at is the time it was applied`);
    t.same({ added: message.added, removed: message.removed, changed: message.changed }, expected, name);
  }
});

t.test('several clients each get every message, and a gone client is forgotten', async (t) => {
  const gw = await startTestGateway({ static: { api: { insecure: true } }, dynamic: { 'base.yaml': base } });
  t.teardown(() => gw.close());
  const first = await openEvents(gw.url('/api/events', 'switchyard'));
  const second = await openEvents(gw.url('/api/events', 'switchyard'));
  t.teardown(() => second.close());
  await first.next();
  await second.next();
  first.close();
  await gw.writeDynamic('base.yaml', { http: { ...base.http, routers: { keep: base.http.routers.keep } } });
  const message = JSON.parse((await second.next()).data!);
  t.same(message.removed.routers, ['edit@file']);
});
