import t from 'tap';
import { diffStatus } from '../../../src/api/config-diff.js';
import type { RuntimeStatus } from '../../../src/runtime/status.js';

const router = (name: string, rule: string, extra: object = {}) => ({
  name,
  provider: 'file',
  status: 'enabled' as const,
  config: { rule, service: 's' },
  using: ['web'],
  priority: 0,
  ...extra,
});
const status = (routers: ReturnType<typeof router>[]): RuntimeStatus => ({
  routers: Object.fromEntries(routers.map((r) => [r.name, r])),
  services: {},
  middlewares: {},
});

t.test('a diff of two statuses names what was added, removed and changed', async (t) => {
  const before = status([router('a@file', 'Host(`a`)'), router('b@file', 'Host(`b`)'), router('c@file', 'Host(`c`)')]);
  const cases: Array<[string, RuntimeStatus | undefined, RuntimeStatus, Record<string, string[]>]> = [
    ['nothing before means everything is added', undefined, before, { added: ['a@file', 'b@file', 'c@file'], removed: [], changed: [] }],
    ['the same status is no change', before, status([router('c@file', 'Host(`c`)'), router('b@file', 'Host(`b`)'), router('a@file', 'Host(`a`)')]), { added: [], removed: [], changed: [] }],
    ['an edited rule is a change', before, status([router('a@file', 'Host(`x`)'), router('b@file', 'Host(`b`)'), router('c@file', 'Host(`c`)')]), { added: [], removed: [], changed: ['a@file'] }],
    [
      'a new error is a change',
      before,
      status([router('a@file', 'Host(`a`)', { status: 'disabled', error: ['broken'] }), router('b@file', 'Host(`b`)'), router('c@file', 'Host(`c`)')]),
      { added: [], removed: [], changed: ['a@file'] },
    ],
    ['added and removed together', before, status([router('a@file', 'Host(`a`)'), router('d@file', 'Host(`d`)')]), { added: ['d@file'], removed: ['b@file', 'c@file'], changed: [] }],
    [
      'key order alone is no change',
      before,
      status([{ ...router('a@file', 'Host(`a`)'), config: { service: 's', rule: 'Host(`a`)' } }, router('b@file', 'Host(`b`)'), router('c@file', 'Host(`c`)')]),
      { added: [], removed: [], changed: [] },
    ],
  ];
  for (const [name, previous, next, expected] of cases) {
    const diff = diffStatus(previous, next);
    t.same({ added: diff.added.routers, removed: diff.removed.routers, changed: diff.changed.routers }, expected, name);
    t.same([diff.added.services, diff.changed.middlewares], [[], []], `${name}: other kinds untouched`);
  }
});

t.test('elements a reload left alone (same frozen configuration objects) compare without their canonical text', async (t) => {
  const config = Object.freeze({ rule: 'Host(`a`)', service: 's' });
  const shared = (extra: object = {}) => ({ ...router('a@file', 'Host(`a`)'), config, ...extra });
  const cases: Array<[string, object, object, string[]]> = [
    ['new status objects and lists with the same items', shared(), shared({ using: ['web'] }), []],
    ['a list with another item', shared(), shared({ using: ['websecure'] }), ['a@file']],
    ['a list that grew', shared(), shared({ using: ['web', 'websecure'] }), ['a@file']],
    ['an error that appeared', shared(), shared({ error: ['broken'], status: 'warning' }), ['a@file']],
    ['an error that went away', shared({ error: ['broken'], status: 'warning' }), shared(), ['a@file']],
    ['another priority', shared(), shared({ priority: 5 }), ['a@file']],
  ];
  for (const [name, before, after, changed] of cases) {
    const diff = diffStatus(status([before as never]), status([after as never]));
    t.same(diff.changed.routers, changed, name);
  }
  const service = (serverStatus: Record<string, 'UP' | 'DOWN'>) => ({ name: 's@file', provider: 'file', status: 'enabled' as const, config: Object.freeze({}), type: 'loadbalancer', usedBy: ['a@file'], serverStatus });
  const before: RuntimeStatus = { routers: {}, services: { 's@file': service({ 'http://a': 'UP' }) }, middlewares: {} };
  const after: RuntimeStatus = { routers: {}, services: { 's@file': { ...service({ 'http://a': 'DOWN' }), config: before.services['s@file']!.config } }, middlewares: {} };
  t.same(diffStatus(before, after).changed.services, [], 'server health alone is no change');
});
