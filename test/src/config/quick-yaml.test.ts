import t from 'tap';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { quickYaml } from '../../../src/config/quick-yaml.js';
import { checkProperty } from '../../helpers/property.js';

// What the `yaml` package makes of a document, the reading quickYaml must agree with.
function byYaml(text: string): { value?: unknown; error?: string } {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors[0]) return { error: doc.errors[0].message };
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

const same: Array<[string, string]> = [
  // [description, document]: js-yaml takes it and reads it as `yaml` does.
  ['a router in block style', 'http:\n  routers:\n    r:\n      rule: "Host(`a.test`)"\n      service: s\n'],
  ['flow mappings and lists', 'http: { services: { s: { loadBalancer: { servers: [{ url: "http://127.0.0.1:1" }] } } } }'],
  ['dates stay strings (no timestamp type in the core schema)', 'a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00'],
  ['yes, no, on and off stay strings', 'a: yes\nb: no\nc: on\nd: off\ne: y'],
  ['booleans and nulls in every core spelling', 'a: true\nb: False\nc: TRUE\nd: ~\ne: null\nf: NULL\ng:'],
  ['integers: decimal, octal, hexadecimal, signs', 'a: 10\nb: 0o17\nc: 0x1F\nd: +12\ne: -3\nf: 010'],
  ['floats and their special values', 'a: 1e3\nb: 1.5\nc: .inf\nd: -.Inf\ne: .nan'],
  ['underscored numbers are strings in YAML 1.2', 'a: 1_000'],
  ['a merge key is an ordinary key in the core schema', '<<: { a: 1 }\nb: 2'],
  ['a __proto__ key is data, not a prototype', '__proto__: { polluted: true }\nx: 1'],
  ['quoted scalars and escapes', 'a: "\\x41\\u00e9\\n"\nb: \'it\'\'s\'\nc: "10s"'],
  ['block scalars, kept and stripped', 'a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n'],
  ['numeric keys become strings', '1: x\n2.5: y'],
  ['rules with && and ||, quoted or not, and a URL with a query', 'a: "Host(`a`) && (Path(`/x`) || Path(`/y`))"\nb: Host(`b`)&&Path(`/`)\nc: http://h/?x=1'],
  ['comments everywhere', '# head\na: 1 # trailing\n# between\nb: [1, # inside\n  2]\n'],
];
for (const [name, text] of same) {
  t.test(`read as yaml reads it: ${name}`, async (t) => {
    const expected = byYaml(text);
    t.equal(expected.error, undefined, 'yaml takes it');
    const quick = quickYaml(text);
    t.not(quick, undefined, 'js-yaml takes it too');
    t.same(quick, expected.value);
    t.same(Object.keys(quick as object), Object.keys(expected.value as object), 'same key order');
    t.equal(Object.getPrototypeOf(quick), Object.prototype);
  });
}

const leftToYaml: Array<[string, string]> = [
  // [description, document]: quickYaml answers undefined and `yaml` decides.
  ['a duplicated key (yaml names the line)', 'a: 1\na: 2'],
  ['a tab in indentation', 'a:\n\t- x'],
  ['several documents', 'a: 1\n---\nb: 2'],
  ['a custom tag', 'a: !custom 1'],
  ['a mapping as a key', '? [a, b]\n: c'],
  ['an alias repeating a mapping (alias expansion stays bounded by yaml)', 'a: &x { b: 1 }\nc: *x'],
  ['an alias repeating a list', 'a: &x [1, 2]\nb: [*x, *x]'],
  ['a billion laughs', 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: &d [*c,*c]'],
  ['an unclosed flow mapping', 'a: { b: 1'],
  ['an empty document', ''],
  ['an alias to a scalar', 'a: &port 8080\nb: *port'],
  // `&` may start an anchor's name, so the text check lets this one through: the repeated object is caught after parsing.
  ['an alias to an anchor named "&&x"', 'a: &&&x { b: 1 }\nc: *&&x'],
  ['an explicit tag', 'a: !!str 1\nb: !!int "7"'],
  ['an anchored mapping inside a compact mapping (js-yaml takes it, yaml does not)', 'a: &x b: c'],
  ['an indented document marker (js-yaml takes it, yaml does not)', '  ---\n  b: 1'],
  ['an explicit key', '? a\n: b'],
  ['an empty key (yaml reads "", js-yaml "null")', ': x\nb: 1'],
  ['an empty key nested in a compact mapping', 'a: : b'],
  ['a list at the top level', '- a\n- b'],
  ['a scalar at the top level', 'just text'],
];
for (const [name, text] of leftToYaml) {
  t.test(`left to yaml: ${name}`, async (t) => {
    t.equal(quickYaml(text), undefined);
  });
}

// Plain data as the configuration files hold it: nested mappings and lists of strings, numbers, booleans and nulls.
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('Host(`a.test`)', 'PathPrefix(`/`)', 'http://127.0.0.1:1', '10s', 'true', 'null', '~', '0o17', '1e3', '2001-12-14', 'yes', '- x', 'a: b', '#x', '&a', '*a', "'q'", '"d"', ' lead', 'trail ', ''),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const keyName = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('http', 'routers', 'rule', '__proto__', 'constructor', '<<', '1', 'true', 'null', 'a b', 'a:b'));
const data: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.dictionary(keyName, tie('node'), { maxKeys: 5 }), fc.array(tie('node'), { maxLength: 4 })),
})).node;
const style = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  indent: fc.integer({ min: 1, max: 4 }),
}) as fc.Arbitrary<Parameters<typeof stringify>[2] & object>;

t.test('for any plain data written in any style, quickYaml reads what yaml reads, or leaves it to yaml', async (t) => {
  checkProperty(
    t,
    'quickYaml agrees with yaml',
    fc.property(fc.dictionary(keyName, data, { maxKeys: 6 }), style, (value, options) => {
      const text = stringify(value, options);
      const quick = quickYaml(text);
      if (quick === undefined) return true;
      const expected = byYaml(text);
      return expected.error === undefined && JSON.stringify(quick) === JSON.stringify(expected.value) && Object.getPrototypeOf(quick) === Object.prototype;
    }),
    400,
  );
});

// Fragments of YAML syntax put together at random: nothing js-yaml takes may read differently, or be refused by yaml.
const fragment = fc.constantFrom('a', 'b', ':', ': ', '- ', '\n', '\n  ', '  ', '{', '}', '[', ']', ',', '"', "'", '#', '&x ', '*x', '!!str ', '|', '>', '?', '---', '1', 'true', '~', '0x1F', '.inf', '\\', '%', '@', '`');
t.test('for YAML-like text, whatever quickYaml takes, yaml takes and reads the same', async (t) => {
  checkProperty(
    t,
    'quickYaml never accepts more than yaml',
    fc.property(fc.array(fragment, { maxLength: 24 }), (parts) => {
      const text = parts.join('');
      const quick = quickYaml(text);
      if (quick === undefined) return true;
      const expected = byYaml(text);
      return expected.error === undefined && JSON.stringify(quick) === JSON.stringify(expected.value);
    }),
    3000,
  );
});
