import t from 'tap';
import { addUser } from '../../../src/runtime/status.js';
import { NO_STRINGS } from '../../../src/empty.js';

// Many routers often share one service or one entry-point middleware: each of them is recorded once, in
// the order they came, whether the list is short (scanned) or long (looked up).
const cases: Array<{ name: string; adds: string[]; want: string[] }> = [
  { name: 'first user', adds: ['a'], want: ['a'] },
  { name: 'repeat of the only user', adds: ['a', 'a'], want: ['a'] },
  { name: 'repeat after others', adds: ['a', 'b', 'c', 'a', 'b'], want: ['a', 'b', 'c'] },
  {
    name: 'a long list keeps first-come order and drops repeats of early and late users',
    adds: [...names(40), 'r0', 'r39', 'r17', ...names(45).slice(38), 'r44'],
    want: names(45),
  },
  {
    name: 'the user that makes the list long is kept once',
    adds: [...names(16), 'r15', 'r16', 'r16', 'r0'],
    want: names(17),
  },
];

function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `r${i}`);
}

for (const c of cases) {
  t.test(c.name, async (t) => {
    const element = { usedBy: NO_STRINGS as string[] };
    for (const user of c.adds) addUser(element, user);
    t.same(element.usedBy, c.want);
    t.same(NO_STRINGS, [], 'the shared empty list is never written to');
  });
}

t.test('two elements sharing users keep their own lists', async (t) => {
  const a = { usedBy: NO_STRINGS as string[] };
  const b = { usedBy: NO_STRINGS as string[] };
  for (const user of names(30)) {
    addUser(a, user);
    if (Number(user.slice(1)) % 2 === 0) addUser(b, user);
  }
  for (const user of names(30)) addUser(b, user);
  t.same(a.usedBy, names(30));
  t.same(b.usedBy, [...names(30).filter((_, i) => i % 2 === 0), ...names(30).filter((_, i) => i % 2 === 1)]);
});

t.test('10,000 routers on one service are recorded once each', async (t) => {
  const element = { usedBy: NO_STRINGS as string[] };
  const users = names(10_000);
  for (const user of users) {
    addUser(element, user);
    addUser(element, user);
  }
  for (const user of users) addUser(element, user);
  t.equal(element.usedBy.length, 10_000);
  t.same(element.usedBy, users);
});
