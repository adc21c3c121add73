import t from 'tap';
import type { Forwarder } from '../../../src/proxy/forwarder.js';
import { CLOSED, type Service } from '../../../src/services/service.js';
import { openServiceMemo } from '../../../src/runtime/service-memo.js';
import { StateStore } from '../../../src/runtime/state-store.js';

// A service that counts its closes; the memo's handles stand for it in each table that uses it.
function countingService(): Service & { closes: number } {
  const service = {
    closes: 0,
    handle: () => undefined,
    healthy: () => true,
    onHealthChange: () => () => undefined,
    serverStatus: () => ({}),
    close: async () => void service.closes++,
  };
  return service;
}

t.test('a service is closed once, when the memo dropped it and the last table holding it closed its handle', async (t) => {
  const state = new StateStore();
  const forwarder = {} as Forwarder;
  const service = countingService();
  const config = { loadBalancer: {} };
  const first = openServiceMemo(state, forwarder);
  const inFirst = first.put('s@file', config, '', service, []);
  first.commit();
  const second = openServiceMemo(state, forwarder);
  const inSecond = second.take('s@file', config, '');
  t.ok(inSecond, 'the next compile reuses it');
  second.commit();
  t.equal(inFirst.close(), CLOSED, 'the first table retires: the second still uses it, nothing to wait for');
  t.equal(inFirst.close(), CLOSED, 'a second close of the same handle does nothing');
  const third = openServiceMemo(state, forwarder);
  third.commit();
  t.equal(service.closes, 0, 'dropped by the third compile, but the second table still holds it');
  const closing = inSecond!.close();
  t.not(closing, CLOSED, 'the last handle closes the service and can be waited for');
  await closing;
  t.equal(service.closes, 1);
  t.equal(inSecond!.close(), CLOSED, 'and only once');
  t.equal(service.closes, 1);
});

t.test('a service whose close throws makes its handle reject instead of throwing', async (t) => {
  const state = new StateStore();
  const forwarder = {} as Forwarder;
  const service = {
    ...countingService(),
    close: () => {
      throw new Error('boom');
    },
  } as unknown as Service;
  const memo = openServiceMemo(state, forwarder);
  const handle = memo.put('s@file', {}, '', service, []);
  memo.commit();
  openServiceMemo(state, forwarder).commit();
  await t.rejects(handle.close(), /boom/);
});
