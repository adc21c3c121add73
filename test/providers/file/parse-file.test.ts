import t from 'tap';
import { formatParseError, isConfigFile, parseConfigFile } from '../../../providers/file/parse-file.js';

const good: Array<[string, string, string, unknown]> = [
  ['a YAML file is parsed', 'a.yaml', 'http:\n  routers:\n    r:\n      rule: Host(`a`)\n', { http: { routers: { r: { rule: 'Host(`a`)' } } } }],
  ['a .yml file is parsed as YAML', 'a.yml', 'tls:\n  options: {}\n', { tls: { options: {} } }],
  ['a TOML file is parsed', 'a.toml', '[http.services.s.loadBalancer]\nservers = [{ url = "http://x" }]\n', { http: { services: { s: { loadBalancer: { servers: [{ url: 'http://x' }] } } } } }],
  ['a JSON file is parsed', 'a.json', '{"http":{"middlewares":{}}}', { http: { middlewares: {} } }],
  ['an empty YAML file is an empty configuration', 'e.yaml', '', {}],
  ['a YAML file with only comments is an empty configuration', 'c.yaml', '# nothing yet\n', {}],
  ['an empty JSON file is an empty configuration', 'e.json', '  \n', {}],
  ['a JSON file starting with a byte order mark is parsed', 'bom.json', '\uFEFF{"http":{}}', { http: {} }],
  ['an extension in capitals is still recognised', 'A.YAML', 'http: {}\n', { http: {} }],
];
for (const [name, file, text, value] of good) {
  t.test(name, async (t) => {
    t.same(parseConfigFile(file, text), { ok: true, value });
  });
}

const bad: Array<[string, string, string, number, number, RegExp]> = [
  ['bad YAML indentation reports line and column', 'r.yaml', 'http:\n  routers:\n    a: 1\n   b: 2\n', 4, 1, /indent|column|mapping/i],
  ['a duplicated YAML key is an error, not an overwrite', 'd.yaml', 'http: {}\nhttp: {}\n', 2, 1, /unique|duplicate/i],
  ['bad TOML reports line and column', 'r.toml', 'a = 1\nb = = 2\n', 2, 5, /invalid/i],
  ['bad JSON reports line and column from the position', 'r.json', '{\n  "a": 1,\n}', 3, 1, /property name/i],
  ['truncated JSON reports the end of the file', 't.json', '{\n  "a": [1,', 2, 11, /end of JSON input/],
  ['a YAML list at the top level is rejected', 'l.yaml', '- a\n- b\n', 1, 1, /top level must be a mapping/],
];
for (const [name, file, text, line, column, message] of bad) {
  t.test(name, async (t) => {
    const result = parseConfigFile(file, text);
    if (result.ok) return t.fail('expected a parse error');
    t.equal(result.line, line);
    t.equal(result.column, column);
    t.match(result.message, message);
    t.match(formatParseError(`dyn/${file}`, result), new RegExp(`^dyn/${file.replace('.', '\\.')}: line ${line}, column ${column}: `));
  });
}

const names: Array<[string, boolean]> = [
  ['a.yaml', true],
  ['a.yml', true],
  ['a.toml', true],
  ['a.json', true],
  ['a.txt', false],
  ['a.yaml.bak', false],
  ['README', false],
];
for (const [name, expected] of names) {
  t.test(`"${name}" is ${expected ? '' : 'not '}a configuration file`, async (t) => {
    t.equal(isConfigFile(name), expected);
  });
}
