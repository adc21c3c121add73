import t from 'tap';
import { builtinMiddlewares } from '../../../../src/builtins.js';
import { compileConstraints, decodeLabels, normalizeName, renderDefaultRule } from '../../../../src/provider/labels/index.js';

t.test('labels decode onto the dynamic schema', async (t) => {
  const middlewares = builtinMiddlewares();
  const cases: Array<{ name: string; labels: Record<string, string>; config: unknown; servers?: unknown; enable?: boolean }> = [
    {
      name: 'router options are matched case-insensitively and lists split on commas',
      labels: { 'traefik.http.routers.Web.Rule': 'Host(`a`)', 'traefik.http.routers.Web.entrypoints': 'web, websecure', 'traefik.http.routers.Web.priority': '7' },
      config: { http: { routers: { Web: { rule: 'Host(`a`)', entryPoints: ['web', 'websecure'], priority: 7 } } } },
    },
    {
      name: 'middleware options are coerced by the middleware schema',
      labels: { 'traefik.http.middlewares.s.stripprefix.prefixes': '/a', 'traefik.http.middlewares.r.redirectscheme.permanent': 'true' },
      config: { http: { middlewares: { s: { stripPrefix: { prefixes: ['/a'] } }, r: { redirectScheme: { permanent: true } } } } },
    },
    {
      name: 'indexed list items in brackets become list entries',
      labels: { 'traefik.http.routers.r.tls.domains[0].main': 'a.test', 'traefik.http.routers.r.tls.domains[0].sans': 'b.test,c.test' },
      config: { http: { routers: { r: { tls: { domains: [{ main: 'a.test', sans: ['b.test', 'c.test'] }] } } } } },
    },
    {
      name: 'server hints are taken out of the configuration',
      labels: { 'traefik.http.services.s.loadbalancer.server.port': '8080', 'traefik.http.services.s.loadbalancer.server.scheme': 'https', 'traefik.enable': 'false' },
      config: {}, servers: { s: { port: 8080, scheme: 'https' } }, enable: false,
    },
    { name: 'labels of other prefixes are ignored', labels: { 'other.http.routers.r.rule': 'Host(`a`)', 'traefik.consulcatalog.connect': 'true' }, config: {} },
  ];
  for (const c of cases) {
    const decoded = decodeLabels(c.labels, 'traefik', middlewares);
    t.same(decoded.config, c.config, c.name);
    t.same(decoded.errors, [], `${c.name}: no errors`);
    if (c.servers) t.same(decoded.servers, c.servers, `${c.name}: servers`);
    if (c.enable !== undefined) t.equal(decoded.enable, c.enable, `${c.name}: enable`);
  }
  const bad = decodeLabels({ 'traefik.http.routers.r.colour': 'blue', 'traefik.enable': 'maybe' });
  t.match(bad.errors, [/label "traefik\.enable": expected true or false/, /label "traefik\.http\.routers\.r\.colour": unknown option "colour"/], 'a label that fits nowhere is named in its label spelling');
});

t.test('default rules substitute the service name', async (t) => {
  const cases = [
    { template: 'Host(`{{ normalize .Name }}`)', name: 'my_api.v2', rule: 'Host(`my-api-v2`)' },
    { template: 'Host(`{{.Name}}.example.com`)', name: 'web', rule: 'Host(`web.example.com`)' },
    { template: 'PathPrefix(`/{{ normalize .Name }}`) && Host(`{{ .Name }}`)', name: 'a b', rule: 'PathPrefix(`/a-b`) && Host(`a b`)' },
  ];
  for (const c of cases) t.equal(renderDefaultRule(c.template, c.name), c.rule, `${c.template} with ${c.name}`);
});

t.test('default rules evaluate the part of Go templates and sprig that rules use', async (t) => {
  const data = { Name: 'My_Api', Labels: { domain: 'example.com', 'traefik.custom': 'x', empty: '' } };
  const cases = [
    { template: 'Host(`{{ .Name | lower }}`)', rule: 'Host(`my_api`)' },
    { template: 'Host(`{{ .Name | normalize | lower }}.{{ .Labels.domain }}`)', rule: 'Host(`my-api.example.com`)' },
    { template: 'Host(`{{ index .Labels "domain" }}`)', rule: 'Host(`example.com`)' },
    { template: 'Host(`{{ index .Labels "traefik.custom" }}.test`)', rule: 'Host(`x.test`)' },
    { template: 'Host(`{{ .Labels.missing | default "fallback.test" }}`)', rule: 'Host(`fallback.test`)' },
    { template: 'Host(`{{ default "d.test" .Labels.empty }}`)', rule: 'Host(`d.test`)' },
    { template: 'PathPrefix(`/{{ .Name | trimPrefix "My_" | lower }}`)', rule: 'PathPrefix(`/api`)' },
    { template: 'Host(`{{ replace "_" "." .Name | upper }}`)', rule: 'Host(`MY.API`)' },
    { template: 'Host(`{{ `lit` }}.{{ "q\\"" | trimSuffix "\\"" }}`)', rule: 'Host(`lit.q`)' },
    { template: 'Host(`{{- .Name -}}`)', rule: 'Host(`My_Api`)' },
  ];
  for (const c of cases) t.equal(renderDefaultRule(c.template, data), c.rule, c.template);
  const refused = [
    { template: '{{ .Nope }}', error: /unknown field \.Nope/ },
    { template: '{{ title .Name }}', error: /unknown function "title"/ },
    { template: '{{ .Labels }}', error: /cannot be printed/ },
    { template: '{{ lower }}', error: /lower takes 1 argument, got 0/ },
    { template: '{{ .Name .Name }}', error: /a value cannot take arguments/ },
    { template: '{{ .Name | }}', error: /empty pipeline stage/ },
  ];
  for (const c of refused) t.throws(() => renderDefaultRule(c.template, data), c.error, `${c.template} is refused with a reason`);
  t.equal(normalizeName('--a..b--'), 'a-b');
});

t.test('constraints combine Tag and TagRegex', async (t) => {
  const cases = [
    { expression: 'Tag(`a`)', tags: ['a', 'b'], result: true },
    { expression: 'Tag(`a`)', tags: ['ab'], result: false },
    { expression: '!Tag(`a`)', tags: ['b'], result: true },
    { expression: 'Tag("a") && Tag("b")', tags: ['a'], result: false },
    { expression: 'Tag(`x`) || TagRegex(`^env=(prod|stage)$`)', tags: ['env=stage'], result: true },
    { expression: '!(Tag(`a`) || Tag(`b`)) && TagRegex(`c`)', tags: ['xcx'], result: true },
    { expression: '', tags: [], result: true },
  ];
  for (const c of cases) t.equal(compileConstraints(c.expression)(c.tags), c.result, `${c.expression || '(empty)'} on [${c.tags.join(', ')}]`);
  for (const bad of ['Tag(`a`', 'Tag(a)', 'TagRegex(`(`)', 'Tag(`a`) Tag(`b`)']) t.throws(() => compileConstraints(bad), `"${bad}" is refused`);
});
