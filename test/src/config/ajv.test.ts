import t from 'tap';
import { Type } from '@sinclair/typebox';
import { compileSchema, formatErrors, pointerToPath } from '../../../src/config/ajv.js';
import { Duration, NamedMap, Strict } from '../../../src/config/types.js';
import { closest } from '../../../src/config/suggest.js';

const Schema = Strict({
  entryPoints: Type.Optional(NamedMap(Strict({ address: Type.String(), timeout: Type.Optional(Duration()) }))),
  prefixes: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  mode: Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('drop')])),
  level: Type.Optional(Type.String({ format: 'log-level' })),
  listen: Type.Optional(Type.String({ format: 'address' })),
  list: Type.Optional(Type.Array(Strict({ main: Type.String() }))),
});

const cases: Array<[string, unknown, string[], string?]> = [
  ['a wrong type names the dotted key path and the expected type', { entryPoints: { web: { address: 80 } } }, ['entryPoints.web.address must be string']],
  ['a missing key is reported as required', { entryPoints: { web: {} } }, ['entryPoints.web.address is required']],
  ['an unknown key near a known one suggests it', { entryPoints: { web: { address: ':80', adress: ':81' } } }, ['entryPoints.web.adress is not allowed (unknown key), did you mean address?']],
  ['an unknown key far from every known one has no suggestion', { zzzzzz: 1 }, ['zzzzzz is not allowed (unknown key)']],
  ['an empty list under minItems says so', { prefixes: [] }, ['prefixes must NOT have fewer than 1 items']],
  ['a prefix is put in front of every path', { prefixes: [] }, ['stripPrefix.prefixes must NOT have fewer than 1 items'], 'stripPrefix'],
  ['a bad duration gets one readable line, not the union branches', { entryPoints: { web: { address: ':80', timeout: '10x' } } }, ['entryPoints.web.timeout must be a duration such as 10s, 1m30s or 250ms, or a number of seconds']],
  ['a literal union lists the allowed values', { mode: 'keeep' }, ['mode must be one of "keep", "drop"']],
  ['a bad log level lists the levels', { level: 'loud' }, ['level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC (any case)']],
  ['a port above 65535 is not an address', { listen: ':70000' }, ['listen must be [host]:port, optionally followed by /tcp or /udp (e.g. :80, 127.0.0.1:8080, [::1]:443)']],
  ['list indexes are written in brackets', { list: [{ main: 'a' }, {}] }, ['list[1].main is required']],
  ['a wrong type at the root has no path', 'text', ['must be object']],
];
for (const [name, value, expected, prefix] of cases) {
  t.test(name, async (t) => {
    const validate = compileSchema(Schema);
    t.equal(validate(value), false);
    t.same(formatErrors(validate.errors, prefix), expected);
  });
}

t.test('valid addresses pass the address format', async (t) => {
  const validate = compileSchema(Schema);
  for (const listen of [':80', '0.0.0.0:8080', '[::1]:443', 'localhost:53/udp', ':443/tcp']) t.ok(validate({ listen }), listen);
});

t.test('durations may be Go strings or numbers of seconds', async (t) => {
  const validate = compileSchema(Schema);
  for (const timeout of ['10s', '1m30s', '250ms', 5, '0']) t.ok(validate({ entryPoints: { web: { address: ':80', timeout } } }), String(timeout));
});

t.test('compileSchema returns the cached validator for the same schema', async (t) => {
  t.equal(compileSchema(Schema), compileSchema(Schema));
});

t.test('pointers become dotted paths with bracketed indexes', async (t) => {
  t.equal(pointerToPath('/a/b/0/c'), 'a.b[0].c');
  t.equal(pointerToPath('/x~1y', 'p'), 'p.x/y');
  t.equal(pointerToPath('', 'p'), 'p');
});

t.test('suggestions ignore case and reject distant names', async (t) => {
  t.equal(closest('ADRESS', ['address', 'asDefault']), 'address');
  t.equal(closest('foo', ['address']), undefined);
});
