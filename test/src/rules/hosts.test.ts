import t from 'tap';
import { canonicalHost, compileRule, defaultPriority } from '../../../src/rules/compile.js';

// [case name, rule, hosts]
const hostCases: Array<[string, string, string[] | null]> = [
  ['a lone Host gives its host', 'Host(`a.test`)', ['a.test']],
  ['the host is lower-cased', 'Host(`A.Test`)', ['a.test']],
  ['the trailing dot is removed', 'Host(`a.test.`)', ['a.test']],
  ['IPv6 brackets are removed', 'Host(`[::1]`)', ['::1']],
  ['a Host and-ed with a path gives the host', 'Host(`a.test`) && PathPrefix(`/x`)', ['a.test']],
  ['a path and-ed with a Host gives the host', 'PathPrefix(`/x`) && Host(`a.test`)', ['a.test']],
  ['a Host and-ed with a negated path gives the host', 'Host(`a.test`) && !Path(`/x`)', ['a.test']],
  ['Hosts or-ed give both', 'Host(`a.test`) || Host(`b.test`)', ['a.test', 'b.test']],
  ['the same Host twice is given once', 'Host(`a.test`) || Host(`A.test`)', ['a.test']],
  ['a group of or-ed Hosts and-ed with a path gives both', '(Host(`a.test`) || Host(`b.test`)) && Path(`/x`)', ['a.test', 'b.test']],
  ['or-ed Host-and-path pairs give both hosts', '(Host(`a.test`) && Path(`/a`)) || (Host(`b.test`) && Path(`/b`))', ['a.test', 'b.test']],
  ['a wildcard Host is kept as-is', 'Host(`*.Example.com`)', ['*.example.com']],
  ['a wildcard and an exact Host are both kept', 'Host(`*.example.com`) || Host(`example.com`)', ['*.example.com', 'example.com']],
  ['Host star restricts nothing', 'Host(`*`)', null],
  ['Host star or-ed with a Host restricts nothing', 'Host(`*`) || Host(`a.test`)', null],
  ['a rule without Host restricts nothing', 'PathPrefix(`/`)', null],
  ['a HostRegexp restricts nothing', 'HostRegexp(`^a\\.test$`)', null],
  ['a HostRegexp anywhere restricts nothing', 'Host(`a.test`) && HostRegexp(`a`)', null],
  ['a negated Host restricts nothing', '!Host(`a.test`)', null],
  ['a negated group of Hosts restricts nothing', '!(Host(`a.test`) || Host(`b.test`))', null],
  ['a negated Host beside a Host restricts nothing', 'Host(`a.test`) && !Host(`b.test`)', null],
  ['an or with a non-host branch restricts nothing', 'Host(`a.test`) || Path(`/x`)', null],
  ['a chain of three or-ed Hosts gives all three', 'Host(`a.test`) || Host(`b.test`) || Host(`c.test`)', ['a.test', 'b.test', 'c.test']],
  ['a chain of ands takes the Host wherever it is', 'Path(`/x`) && Method(`GET`) && Host(`a.test`)', ['a.test']],
  ['an or with a non-host branch in a group restricts nothing', '(Host(`a.test`) || Header(`X`, `1`)) && Path(`/x`)', null],
];

t.test('a long chain of or-ed Hosts compiles, matches and gives every host', async (t) => {
  const hosts = Array.from({ length: 5000 }, (_, i) => `h${i}.test`);
  const compiled = compileRule(hosts.map((h) => `Host(\`${h}\`)`).join(' || '));
  t.same(compiled.hosts, hosts);
  const req = { method: 'GET', host: 'h4999.test', path: '/', query: '', headers: {}, clientIp: '127.0.0.1' };
  t.equal(compiled.match(req), true);
  t.equal(compiled.match({ ...req, host: 'h5000.test' }), false);
});

t.test('parentheses nested 100 deep are accepted', async (t) => {
  t.equal(compileRule('('.repeat(100) + 'Host(`a.test`)' + ')'.repeat(100)).hosts?.[0], 'a.test');
});

for (const [name, rule, hosts] of hostCases) {
  t.test(name, async (t) => {
    t.same(compileRule(rule).hosts, hosts, rule);
  });
}

// [rule, default priority]
const priorities: Array<[string, number]> = [
  ['Host(`example.org`)', 19],
  ['Host(`foobar.traefik.com`)', 26],
  ['HostRegexp(`[a-z]+\\.traefik\\.com`)', 34],
  ['PathPrefix(`/`)', 15],
  ['Host(`a`) && Path(`/b`)', 23],
  // Go's len() counts bytes: é is two.
  ['Path(`/é`)', 11],
];
for (const [rule, priority] of priorities) {
  t.test(`the default priority of ${rule} is ${priority}`, async (t) => {
    t.equal(defaultPriority(rule), priority);
  });
}

// [Host header, canonical host]
const canonical: Array<[string | undefined, string]> = [
  ['App.Test:8000', 'app.test'],
  ['app.test', 'app.test'],
  ['a.test.', 'a.test'],
  ['A.Test.:443', 'a.test'],
  ['[::1]:80', '::1'],
  ['[::1]', '::1'],
  ['[2001:DB8::1]:8443', '2001:db8::1'],
  ['::1', '::1'],
  ['127.0.0.1:8080', '127.0.0.1'],
  [' spaced.test ', 'spaced.test'],
  ['', ''],
  [undefined, ''],
];
for (const [header, host] of canonical) {
  t.test(`the canonical host of ${JSON.stringify(header)} is ${JSON.stringify(host)}`, async (t) => {
    t.equal(canonicalHost(header), host);
  });
}

// [case name, rule, paths]: the literal prefixes a matching path must start with, which the route index uses.
const pathCases: Array<[string, string, string[] | null]> = [
  ['a PathPrefix gives its prefix', 'PathPrefix(`/api`)', ['/api']],
  ['a Path gives itself (an exact path starts with itself)', 'Path(`/health`)', ['/health']],
  ['the prefix is kept as written (paths are case-sensitive)', 'PathPrefix(`/API/`)', ['/API/']],
  ['a Host and-ed with a PathPrefix gives the prefix', 'Host(`a.test`) && PathPrefix(`/x`)', ['/x']],
  ['a chain of ands takes the path wherever it is', 'Method(`GET`) && Host(`a.test`) && Path(`/x`)', ['/x']],
  ['or-ed paths give both', 'PathPrefix(`/a`) || Path(`/b`)', ['/a', '/b']],
  ['the same path twice is given once', 'PathPrefix(`/a`) || PathPrefix(`/a`)', ['/a']],
  ['or-ed Host-and-path pairs give both paths', '(Host(`a.test`) && Path(`/a`)) || (Host(`b.test`) && PathPrefix(`/b`))', ['/a', '/b']],
  ['a PathRegexp restricts nothing', 'PathRegexp(`^/api`)', null],
  ['a negated Path restricts nothing', '!Path(`/x`)', null],
  ['a negated PathPrefix beside a PathPrefix gives the other', 'PathPrefix(`/a`) && !PathPrefix(`/a/b`)', ['/a']],
  ['an or with a pathless branch restricts nothing', 'PathPrefix(`/a`) || Host(`a.test`)', null],
  ['a rule without a path matcher restricts nothing', 'Host(`a.test`)', null],
  ['a negated group restricts nothing', '!(PathPrefix(`/a`) || PathPrefix(`/b`))', null],
];

for (const [name, rule, paths] of pathCases) {
  t.test(`paths: ${name}`, async (t) => {
    t.same(compileRule(rule).paths, paths, rule);
  });
}
