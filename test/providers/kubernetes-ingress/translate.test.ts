import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { translate } from '../../../providers/kubernetes-ingress/translate/index.js';
import type { KubeSnapshot, TranslateOptions } from '../../../providers/kubernetes-ingress/types.js';
import type { DynamicConfig } from '../../../src/config/dynamic-schema.js';
import { validateDynamic } from '../../../src/config/validate-dynamic.js';
import { MiddlewareRegistry } from '../../../src/middleware/registry.js';
import { compileRule, defaultPriority } from '../../../src/rules/compile.js';

// Each fixture is a multi-document YAML file named after its case: the first document holds the options and the
// expected result, the others are the Kubernetes objects of the snapshot.
interface Fixture {
  options?: Partial<TranslateOptions>;
  expected: {
    config: DynamicConfig;
    /** Each entry must occur in the error at the same position; the counts must be equal. */
    errors?: string[];
    processed?: string[];
    origins?: Record<string, string>;
  };
  /** Requests routed over the produced routers: the router that must win, or null when none matches. */
  requests?: Array<{ host: string; path: string; router: string | null }>;
}

const DEFAULTS: TranslateOptions = { allowEmptyServices: false, allowExternalNameServices: false, strictPrefixMatching: true, clusterScope: true };
const KINDS: Record<string, keyof KubeSnapshot> = {
  Ingress: 'ingresses',
  IngressClass: 'ingressClasses',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Secret: 'secrets',
};

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function load(file: string): { fixture: Fixture; snapshot: KubeSnapshot } {
  const docs = parseAllDocuments(readFileSync(path.join(fixtures, file), 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>);
  const [fixture, ...objects] = docs as [Fixture, ...Array<Record<string, unknown>>];
  const snapshot: KubeSnapshot = { ingresses: [], ingressClasses: [], services: [], endpointSlices: [], secrets: [] };
  for (const object of objects) {
    const kind = KINDS[String(object.kind)];
    if (!kind) throw new Error(`${file}: unknown kind ${String(object.kind)}`);
    (snapshot[kind] as unknown[]).push(object);
  }
  return { fixture, snapshot };
}

// Frozen, so a translation that writes into the informers' objects fails the test.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// The router a request reaches: highest priority first (0 means the rule length), ties by name, as the routing table orders them.
function route(config: DynamicConfig, host: string, urlPath: string): string | null {
  const routers = Object.entries(config.http?.routers ?? {})
    .map(([name, r]) => ({ name, priority: r.priority || defaultPriority(r.rule), rule: compileRule(r.rule) }))
    .sort((a, b) => (a.priority !== b.priority ? b.priority - a.priority : a.name < b.name ? -1 : 1));
  const req = { method: 'GET', host, path: urlPath, query: '', headers: {}, clientIp: '10.0.0.9' };
  return routers.find((r) => r.rule.match(req))?.name ?? null;
}

const files = readdirSync(fixtures)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
t.ok(files.length >= 40, `${files.length} fixtures`);

for (const file of files) {
  t.test(file.replace(/\.yaml$/, '').replaceAll('-', ' '), async (t) => {
    const { fixture, snapshot } = load(file);
    const result = translate(deepFreeze(snapshot), { ...DEFAULTS, ...fixture.options });
    t.strictSame(result.config, fixture.expected.config, 'configuration');
    const expectedErrors = fixture.expected.errors ?? [];
    t.equal(result.errors.length, expectedErrors.length, `error count: ${JSON.stringify(result.errors, null, 1)}`);
    expectedErrors.forEach((expected, i) => t.ok(result.errors[i]?.includes(expected), `error ${i} says ${JSON.stringify(expected)}: got ${JSON.stringify(result.errors[i])}`));
    if (fixture.expected.processed) t.strictSame(result.processed, fixture.expected.processed, 'processed Ingresses');
    if (fixture.expected.origins) t.strictSame(result.origins, fixture.expected.origins, 'origins');
    for (const request of fixture.requests ?? []) {
      t.equal(route(result.config, request.host, request.path), request.router, `${request.host}${request.path} reaches ${request.router}`);
    }
    const checked = validateDynamic(result.config, { provider: 'kubernetes' }, new MiddlewareRegistry());
    t.strictSame(checked.errors.map((e) => e.message), [], 'the watcher accepts the configuration');
    const reversed = Object.fromEntries(Object.entries(snapshot).map(([k, v]) => [k, [...(v as unknown[])].reverse()])) as unknown as KubeSnapshot;
    t.strictSame(translate(reversed, { ...DEFAULTS, ...fixture.options }), result, 'the listing order of the objects does not matter');
  });
}
