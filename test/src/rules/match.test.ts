import type { IncomingHttpHeaders } from 'node:http';
import t from 'tap';
import { canonicalHost, compileRule, type MatchRequest } from '../../../src/rules/compile.js';

interface Spec {
  method?: string;
  host?: string;
  path?: string;
  query?: string;
  headers?: IncomingHttpHeaders;
  clientIp?: string;
}

/** The request an entry point would prepare; the host is written as a Host header carries it. */
const request = (spec: Spec): MatchRequest => ({
  method: spec.method ?? 'GET',
  host: canonicalHost(spec.host ?? 'example.com'),
  path: spec.path ?? '/',
  query: spec.query ?? '',
  headers: spec.headers ?? {},
  clientIp: spec.clientIp ?? '127.0.0.1',
});

// [case name, rule, request, expected]
const cases: Array<[string, string, Spec, boolean]> = [
  // Host
  ['Host matches the same host', 'Host(`example.com`)', { host: 'example.com' }, true],
  ['Host ignores the request port', 'Host(`example.com`)', { host: 'example.com:8080' }, true],
  ['Host ignores the request case', 'Host(`example.com`)', { host: 'EXAMPLE.COM' }, true],
  ['Host ignores the rule case', 'Host(`EXAMPLE.COM`)', { host: 'example.com' }, true],
  ['Host does not match another host', 'Host(`example.com`)', { host: 'example.org' }, false],
  ['Host does not match a subdomain', 'Host(`example.com`)', { host: 'www.example.com' }, false],
  ['Host tolerates a trailing dot in the rule', 'Host(`example.com.`)', { host: 'example.com' }, true],
  ['Host tolerates a trailing dot in the request', 'Host(`example.com`)', { host: 'example.com.' }, true],
  ['Host tolerates trailing dots on both sides', 'Host(`example.com.`)', { host: 'example.com.:443' }, true],
  ['Host with a trailing dot still refuses another host', 'Host(`example.com.`)', { host: 'example.org.' }, false],
  ['Host matches a punycode host', 'Host(`xn--9t9h.com`)', { host: 'xn--9t9h.com' }, true],
  ['Host does not match a request without a host', 'Host(`example.com`)', { host: '' }, false],
  ['Host matches a bracketed IPv6 request host', 'Host(`::1`)', { host: '[::1]:8080' }, true],
  ['Host accepts a bracketed IPv6 argument', 'Host(`[::1]`)', { host: '[::1]' }, true],
  ['Host matches an IPv4 host with a port', 'Host(`127.0.0.1`)', { host: '127.0.0.1:80' }, true],
  ['a wildcard Host matches one extra label', 'Host(`*.example.com`)', { host: 'api.example.com' }, true],
  ['a wildcard Host matches with a port and upper case', 'Host(`*.example.com`)', { host: 'API.Example.com:8443' }, true],
  ['a wildcard Host does not match the bare domain', 'Host(`*.example.com`)', { host: 'example.com' }, false],
  ['a wildcard Host does not match two extra labels', 'Host(`*.example.com`)', { host: 'a.b.example.com' }, false],
  ['a wildcard Host does not match another domain', 'Host(`*.example.com`)', { host: 'api.example.org' }, false],
  ['a wildcard Host tolerates a trailing dot', 'Host(`*.example.com`)', { host: 'api.example.com.' }, true],
  ['Host star matches any host', 'Host(`*`)', { host: 'anything.test' }, true],
  ['Host star matches a request without a host', 'Host(`*`)', { host: '' }, true],
  ['lower-case host matcher name is accepted', 'host(`example.com`)', { host: 'example.com' }, true],
  ['upper-case host matcher name is accepted', 'HOST(`example.com`)', { host: 'example.com' }, true],
  // HostRegexp
  ['HostRegexp matches the canonical host', 'HostRegexp(`^[a-z]+\\.com$`)', { host: 'Example.com:8080' }, true],
  ['HostRegexp upper-case classes never match the lower-cased host', 'HostRegexp(`^[A-Z]+\\.com$`)', { host: 'EXAMPLE.com' }, false],
  ['HostRegexp with (?i) matches upper-case classes', 'HostRegexp(`(?i)^[A-Z]+\\.com$`)', { host: 'example.com' }, true],
  ['HostRegexp is unanchored', 'HostRegexp(`ample`)', { host: 'example.com' }, true],
  ['HostRegexp does not match other domains', 'HostRegexp(`^[a-z]+\\.com$`)', { host: 'example.org' }, false],
  ['HostRegexp v2 templates are plain text and do not match', 'HostRegexp(`{sub:[a-z]+}.example.com`)', { host: 'a.example.com' }, false],
  ['HostRegexp matches a subdomain pattern', 'HostRegexp(`^.+\\.example\\.com$`)', { host: 'a.b.example.com' }, true],
  // Path and PathPrefix
  ['Path matches the exact path', 'Path(`/css`)', { path: '/css' }, true],
  ['Path does not match a trailing slash', 'Path(`/css`)', { path: '/css/' }, false],
  ['Path does not match a longer path', 'Path(`/css`)', { path: '/css/main.css' }, false],
  ['Path is case-sensitive', 'Path(`/css`)', { path: '/CSS' }, false],
  ['Path ignores the host', 'Path(`/css`)', { host: 'example.org', path: '/css' }, true],
  ['Path matches the decoded routing path', 'Path(`/foo bar`)', { path: '/foo bar' }, true],
  ['PathPrefix matches the prefix itself', 'PathPrefix(`/css`)', { path: '/css' }, true],
  ['PathPrefix matches below the prefix', 'PathPrefix(`/css`)', { path: '/css/main.css' }, true],
  ['PathPrefix is character-wise', 'PathPrefix(`/products`)', { path: '/products-for-sale' }, true],
  ['PathPrefix does not match a shorter path', 'PathPrefix(`/css/`)', { path: '/css' }, false],
  ['PathPrefix root matches everything', 'PathPrefix(`/`)', { path: '/anything' }, true],
  ['PathPrefix in double quotes works like backticks', 'PathPrefix("/css")', { path: '/css/x' }, true],
  ['PathPrefix spelled Title-of-lower is accepted', 'Pathprefix(`/css`)', { path: '/css/x' }, true],
  ['PathPrefix spelled all upper is accepted', 'PATHPREFIX(`/css`)', { path: '/css/x' }, true],
  ['PathPrefix has no v3 placeholders', 'PathPrefix(`/{id}`)', { path: '/42' }, false],
  // PathRegexp
  ['PathRegexp matches an anchored alternative', 'PathRegexp(`^/(css|js)`)', { path: '/js/main.js' }, true],
  ['PathRegexp is case-sensitive by default', 'PathRegexp(`^/(css|js)`)', { path: '/CSS' }, false],
  ['PathRegexp with (?i) is case-insensitive', 'PathRegexp(`(?i)^/(css|js)`)', { path: '/CSS/x' }, true],
  ['PathRegexp is unanchored', 'PathRegexp(`\\.png`)', { path: '/img/a.png?x' }, true],
  ['PathRegexp with $ anchors at the end', 'PathRegexp(`\\.png$`)', { path: '/img/a.png.bak' }, false],
  ['PathRegexp in double quotes processes escapes', 'PathRegexp("\\\\.png$")', { path: '/a.png' }, true],
  ['PathRegexp need not start with a slash', 'PathRegexp(`css`)', { path: '/static/css/x' }, true],
  ['PathRegexp dot does not match a newline', 'PathRegexp(`^/a.b$`)', { path: '/a\nb' }, false],
  ['PathRegexp dot matches a newline under (?s)', 'PathRegexp(`(?s)^/a.b$`)', { path: '/a\nb' }, true],
  ['PathRegexp dot matches a carriage return as in Go', 'PathRegexp(`^/a.b$`)', { path: '/a\rb' }, true],
  ['PathRegexp v2 templates are plain text', 'PathRegexp("/{path:(css|js)}")', { path: '/{path:css}' }, true],
  ['PathRegexp non-capturing groups work', 'PathRegexp(`^/(?:css|js)/`)', { path: '/js/a.js' }, true],
  ['PathRegexp named groups in Go syntax are accepted', 'PathRegexp(`^/(?P<id>[0-9]+)$`)', { path: '/42' }, true],
  ['PathRegexp \\d matches ASCII digits', 'PathRegexp(`^/\\d+$`)', { path: '/123' }, true],
  ['PathRegexp \\s is ASCII whitespace only', 'PathRegexp(`^/a\\sb$`)', { path: '/a\u00a0b' }, false],
  ['PathRegexp POSIX classes work', 'PathRegexp(`^/[[:alpha:]]+$`)', { path: '/abc' }, true],
  ['PathRegexp Unicode classes work', 'PathRegexp(`^/\\p{Greek}+$`)', { path: '/αβγ' }, true],
  ['PathRegexp \\Q quotes metacharacters', 'PathRegexp(`^/\\Qa.b\\E$`)', { path: '/axb' }, false],
  ['PathRegexp a lone brace is a literal', 'PathRegexp(`^/{x}$`)', { path: '/{x}' }, true],
  ['PathRegexp a mid-pattern (?i) applies to the rest of the group', 'PathRegexp(`^/a(?i)b$`)', { path: '/aB' }, true],
  ['PathRegexp a mid-pattern (?i) does not apply before it', 'PathRegexp(`^/a(?i)b$`)', { path: '/AB' }, false],
  ['PathRegexp a mid-pattern flag persists across alternatives', 'PathRegexp(`^/x(?i)y|^/Z$`)', { path: '/z' }, true],
  ['PathRegexp a scoped flag group is case-insensitive inside', 'PathRegexp(`^/(?i:a)b$`)', { path: '/Ab' }, true],
  ['PathRegexp a scoped flag group is case-sensitive outside', 'PathRegexp(`^/(?i:a)b$`)', { path: '/AB' }, false],
  ['PathRegexp multiline anchors only at newlines', 'PathRegexp(`(?m)^b$`)', { path: '/a\nb' }, true],
  ['PathRegexp a bracket right after [ is a literal', 'PathRegexp(`^/[]a]+$`)', { path: '/]a]' }, true],
  // Method
  ['Method matches the method', 'Method(`GET`)', { method: 'GET' }, true],
  ['Method does not match another method', 'Method(`GET`)', { method: 'POST' }, false],
  ['Method argument is upper-cased', 'Method(`get`)', { method: 'GET' }, true],
  ['Method compares the request method case-sensitively', 'Method(`GET`)', { method: 'get' }, false],
  // Header and HeaderRegexp
  ['Header matches a header value', 'Header(`X-Forwarded-Proto`, `https`)', { headers: { 'x-forwarded-proto': 'https' } }, true],
  ['Header key is case-insensitive', 'Header(`x-forwarded-proto`, `https`)', { headers: { 'x-forwarded-proto': 'https' } }, true],
  ['Header value is case-sensitive', 'Header(`X-Forwarded-Proto`, `https`)', { headers: { 'x-forwarded-proto': 'HTTPS' } }, false],
  ['Header matches any of several values', 'Header(`X-Forwarded-Proto`, `https`)', { headers: { 'x-forwarded-proto': ['http', 'https'] } }, true],
  ['Header needs the exact value', 'Header(`X-Forwarded-Proto`, `https`)', { headers: { 'x-forwarded-proto': 'https2' } }, false],
  ['Header does not match a missing header', 'Header(`X-Forwarded-Proto`, `https`)', { headers: { 'x-forwarded-host': 'https' } }, false],
  ['Header never sees Host, as in Go', 'Header(`Host`, `example.com`)', { headers: { host: 'example.com' } }, false],
  ['HeaderRegexp matches a value', 'HeaderRegexp(`X-Forwarded-Proto`, `^https?$`)', { headers: { 'x-forwarded-proto': 'http' } }, true],
  ['HeaderRegexp is case-sensitive', 'HeaderRegexp(`X-Forwarded-Proto`, `^https?$`)', { headers: { 'x-forwarded-proto': 'HTTPS' } }, false],
  ['HeaderRegexp matches any of several values', 'HeaderRegexp(`X-Forwarded-Proto`, `^https?$`)', { headers: { 'x-forwarded-proto': ['ws', 'https'] } }, true],
  ['HeaderRegexp does not match a missing header', 'HeaderRegexp(`X-Api`, `.*`)', {}, false],
  ['HeaderRegexp v2 templates are plain text', 'HeaderRegexp(`X-Forwarded-Proto`, `http{secure:s?}`)', { headers: { 'x-forwarded-proto': 'http{secure:s}' } }, true],
  // Query and QueryRegexp
  ['Query matches a key with the value', 'Query(`q`, `traefik`)', { query: 'q=traefik' }, true],
  ['Query matches among other keys', 'Query(`q`, `traefik`)', { query: 'rel=ddg&q=traefik' }, true],
  ['Query matches any repeated value', 'Query(`q`, `traefik`)', { query: 'q=awesome&q=traefik' }, true],
  ['Query value is case-sensitive', 'Query(`q`, `traefik`)', { query: 'q=TRAEFIK' }, false],
  ['Query key is case-sensitive', 'Query(`q`, `traefik`)', { query: 'Q=traefik' }, false],
  ['Query does not match without a query', 'Query(`q`, `traefik`)', {}, false],
  ['Query decodes percent-escapes and plus signs', 'Query(`q`, `a b/c`)', { query: 'q=a+b%2Fc' }, true],
  ['Query ignores pairs with a semicolon, as Go does', 'Query(`q`, `x`)', { query: 'q=x;y=1' }, false],
  ['Query with a key alone matches the key with an empty value', 'Query(`mobile`)', { query: 'mobile' }, true],
  ['Query with a key alone matches an explicit empty value', 'Query(`mobile`)', { query: 'mobile=' }, true],
  ['Query with a key alone does not match a key with a value', 'Query(`mobile`)', { query: 'mobile=true' }, false],
  ['Query with a key alone does not match without the key', 'Query(`mobile`)', { query: 'desktop' }, false],
  ['QueryRegexp matches a value', 'QueryRegexp(`q`, `^(traefik|nginx)$`)', { query: 'q=nginx' }, true],
  ['QueryRegexp refuses other values', 'QueryRegexp(`q`, `^(traefik|nginx)$`)', { query: 'q=haproxy' }, false],
  ['QueryRegexp matches any value of a repeated key', 'QueryRegexp(`q`, `^nginx$`)', { query: 'q=a&q=nginx' }, true],
  ['QueryRegexp needs the key', 'QueryRegexp(`q`, `^.*$`)', { query: 'rel=traefik' }, false],
  ['QueryRegexp with one argument is Query with a key alone', 'QueryRegexp(`mobile`)', { query: 'mobile' }, true],
  ['QueryRegexp with one argument refuses a value', 'QueryRegexp(`mobile`)', { query: 'mobile=1' }, false],
  // ClientIP
  ['ClientIP matches the same address', 'ClientIP(`127.0.0.1`)', { clientIp: '127.0.0.1' }, true],
  ['ClientIP does not match another address', 'ClientIP(`127.0.0.1`)', { clientIp: '192.168.1.1' }, false],
  ['ClientIP matches inside a CIDR range', 'ClientIP(`192.168.1.0/24`)', { clientIp: '192.168.1.100' }, true],
  ['ClientIP does not match outside a CIDR range', 'ClientIP(`192.168.1.0/24`)', { clientIp: '192.168.2.1' }, false],
  ['ClientIP treats an IPv4-mapped peer as IPv4', 'ClientIP(`10.0.0.0/8`)', { clientIp: '::ffff:10.1.2.3' }, true],
  ['ClientIP matches an IPv6 address', 'ClientIP(`::1`)', { clientIp: '::1' }, true],
  ['ClientIP matches an IPv6 range', 'ClientIP(`2001:db8::/32`)', { clientIp: '2001:db8::42' }, true],
  ['ClientIP IPv6 range does not match IPv4', 'ClientIP(`2001:db8::/32`)', { clientIp: '10.0.0.1' }, false],
  ['ClientIP does not match an invalid peer address', 'ClientIP(`127.0.0.1`)', { clientIp: '1' }, false],
  ['ClientIP ignores X-Forwarded-For', 'ClientIP(`10.0.0.1`)', { clientIp: '127.0.0.1', headers: { 'x-forwarded-for': '10.0.0.1' } }, false],
  // Operators and precedence
  ['and needs both sides', 'Host(`example.com`) && Path(`/a`)', { host: 'example.com', path: '/b' }, false],
  ['and matches when both sides do', 'Host(`example.com`) && Path(`/a`)', { host: 'example.com', path: '/a' }, true],
  ['or matches when either side does', 'Path(`/a`) || Path(`/b`)', { path: '/b' }, true],
  ['or refuses when neither side does', 'Path(`/a`) || Path(`/b`)', { path: '/c' }, false],
  ['and binds tighter than or (left side true)', 'Path(`/a`) || Path(`/b`) && Method(`POST`)', { path: '/a', method: 'GET' }, true],
  ['and binds tighter than or (right side false)', 'Path(`/a`) || Path(`/b`) && Method(`POST`)', { path: '/b', method: 'GET' }, false],
  ['parentheses override precedence', '(Path(`/a`) || Path(`/b`)) && Method(`POST`)', { path: '/a', method: 'GET' }, false],
  ['not negates a matcher', '!Path(`/a`)', { path: '/b' }, true],
  ['not binds tighter than and', '!Path(`/a`) && Method(`GET`)', { path: '/a' }, false],
  ['not over an or is the and of the negations', '!(Path(`/a`) || Path(`/b`))', { path: '/c' }, true],
  ['not over an or refuses when one side matches', '!(Path(`/a`) || Path(`/b`))', { path: '/b' }, false],
  ['not over an and is the or of the negations', '!(Path(`/a`) && Method(`GET`))', { path: '/a', method: 'POST' }, true],
  ['not over an and refuses when both sides match', '!(Path(`/a`) && Method(`GET`))', { path: '/a', method: 'GET' }, false],
  ['double negation is the matcher itself', '!!Path(`/a`)', { path: '/a' }, true],
  ['not over a nested group pushes down', '!(Path(`/a`) || !(Method(`GET`) && Query(`x`)))', { path: '/b', query: 'x' }, true],
  ['a chain of ors matches its last term', 'Path(`/a`) || Path(`/b`) || Path(`/c`)', { path: '/c' }, true],
  ['a chain of ands needs every term', 'Path(`/a`) && Method(`GET`) && Query(`x`, `2`)', { path: '/a', query: 'x=1' }, false],
  ['a negated chain of ors needs every term false', '!(Path(`/a`) || Path(`/b`) || Path(`/c`))', { path: '/c' }, false],
  ['operators are left-associative', 'Path(`/a`) && Method(`GET`) && Query(`x`, `1`)', { path: '/a', query: 'x=1' }, true],
  ['whitespace and newlines after an operator are allowed', 'Host(`example.com`) &&\n\tPath(`/a`)\n', { path: '/a' }, true],
  ['no spaces around operators are needed', 'Host(`example.com`)&&!Path(`/b`)', { path: '/a' }, true],
  ['a trailing comma in a call is allowed, as in Go', 'Host(`example.com`,)', {}, true],
  ['double-quoted strings take hex escapes', 'Path("/\\x61")', { path: '/a' }, true],
  ['double-quoted strings take unicode escapes', 'Path("/\\u00e9")', { path: '/é' }, true],
  ['double-quoted strings take UTF-8 byte escapes', 'Path("/\\xc3\\xa9")', { path: '/é' }, true],
  ['a complex rule matches', 'Host(`example.com`) && (PathPrefix(`/api`) || Header(`X-Api`, `1`)) && !Method(`DELETE`)', { path: '/x', headers: { 'x-api': '1' } }, true],
];

for (const [name, rule, spec, expected] of cases) {
  t.test(name, async (t) => {
    t.equal(compileRule(rule).match(request(spec)), expected, `${rule} on ${JSON.stringify(spec)}`);
  });
}

t.test('a compiled rule keeps its source text', async (t) => {
  t.equal(compileRule('Path(`/a`)').rule, 'Path(`/a`)');
});
