import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { reportElementErrors } from '../../../src/runtime/report-errors.js';
import type { RuntimeStatus } from '../../../src/runtime/status.js';

function capture() {
  const lines: Array<{ level: number; msg: string; router?: string; service?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

const status = (routerError?: string, serviceWarning?: string): RuntimeStatus => ({
  routers: { 'a@file': { name: 'a@file', provider: 'file', status: routerError ? 'disabled' : 'enabled', config: { rule: 'Path(`/`)', service: 's' }, using: [], priority: 1, ...(routerError ? { error: [routerError] } : {}) } },
  services: { 's@file': { name: 's@file', provider: 'file', status: serviceWarning ? 'warning' : 'enabled', config: {}, type: 'loadbalancer', usedBy: [], ...(serviceWarning ? { error: [serviceWarning] } : {}) } },
  middlewares: {},
});

t.test('each element error is logged once, with the element, at a level matching its status', async (t) => {
  const { log, lines } = capture();
  let seen = reportElementErrors(status('bad rule', 'slow'), new Set(), log);
  await new Promise((r) => setImmediate(r));
  t.same(lines.map((l) => [l.level, l.msg, l.router ?? l.service]), [[50, 'bad rule', 'a@file'], [40, 'slow', 's@file']], 'an error for the disabled router, a warning for the service');
  seen = reportElementErrors(status('bad rule', 'slow'), seen, log);
  await new Promise((r) => setImmediate(r));
  t.equal(lines.length, 2, 'the same errors on the next table are not logged again');
  reportElementErrors(status('another problem'), seen, log);
  await new Promise((r) => setImmediate(r));
  t.equal(lines.at(-1)?.msg, 'another problem', 'a new error is logged');
});
