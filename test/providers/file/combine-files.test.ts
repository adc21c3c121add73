import t from 'tap';
import { combineFiles, type ParsedFile } from '../../../providers/file/combine-files.js';
import { elementOrigin } from '../../../src/provider/provider.js';

const routerOf = (service: string) => ({ rule: 'Host(`a.test`)', service });
const file = (name: string, routers: Record<string, unknown>): ParsedFile => ({ name, value: { http: { routers } } });

// [case name, files, routers expected, origin of each router, errors]
const cases: Array<[string, ParsedFile[], Record<string, unknown>, Record<string, string>, string[]]> = [
  ['one file: its routers, all from it', [file('a.yaml', { x: routerOf('s1'), y: routerOf('s2') })], { x: routerOf('s1'), y: routerOf('s2') }, { 'router:x': 'a.yaml', 'router:y': 'a.yaml' }, []],
  [
    'two files add up, each router naming its file',
    [file('a.yaml', { x: routerOf('s1') }), file('b.yaml', { y: routerOf('s2') })],
    { x: routerOf('s1'), y: routerOf('s2') },
    { 'router:x': 'a.yaml', 'router:y': 'b.yaml' },
    [],
  ],
  [
    'a name in a later file is reported naming the first file, which wins',
    [file('a.yaml', { x: routerOf('first') }), file('b.yaml', { x: routerOf('second') })],
    { x: routerOf('first') },
    { 'router:x': 'a.yaml' },
    ['b.yaml: router "x" is already defined in a.yaml; the first definition is kept'],
  ],
  [
    'a repeat between two later files names the earlier of them',
    [file('a.yaml', {}), file('b.yaml', { x: routerOf('b') }), file('c.yaml', { x: routerOf('c') })],
    { x: routerOf('b') },
    { 'router:x': 'b.yaml' },
    ['c.yaml: router "x" is already defined in b.yaml; the first definition is kept'],
  ],
  [
    'a router named __proto__ in a later file stays a plain router',
    [file('a.yaml', { x: routerOf('s1') }), { name: 'b.yaml', value: JSON.parse('{"http":{"routers":{"__proto__":{"rule":"Host(`p.test`)","service":"p"}}}}') }],
    JSON.parse('{"x":{"rule":"Host(`a.test`)","service":"s1"},"__proto__":{"rule":"Host(`p.test`)","service":"p"}}'),
    { 'router:x': 'a.yaml', 'router:__proto__': 'b.yaml' },
    [],
  ],
];

for (const [name, files, routers, origins, errors] of cases) {
  t.test(name, async (t) => {
    const before = JSON.stringify(files);
    const combined = combineFiles(files);
    const got = combined.config.http?.routers ?? {};
    t.same(Object.keys(got), Object.keys(routers));
    for (const key of Object.keys(routers)) t.same(got[key], routers[key], `router ${key}`);
    t.equal(Object.getPrototypeOf(got), Object.prototype, 'the routers keep a plain prototype');
    for (const [key, origin] of Object.entries(origins)) t.equal(elementOrigin(combined, key), origin, `origin of ${key}`);
    t.same(combined.errors, errors);
    t.equal(JSON.stringify(files), before, 'the parsed files are left as they were');
  });
}

t.test('one file lists no origin per element: the first file is the default', async (t) => {
  const routers = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`r${i}`, routerOf('s')]));
  const combined = combineFiles([file('a.yaml', routers)]);
  t.same(combined.origins, {});
  t.equal(combined.origin, 'a.yaml');
});

t.test('no files: an empty configuration and no origin', async (t) => {
  t.same(combineFiles([]), { config: {}, errors: [], origins: {} });
});
