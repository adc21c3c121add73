import type { TSchema } from '@sinclair/typebox';
import { buildStaticSchema } from '../src/config/static-schema.js';
import { RouterSchema, ServiceSchema, ServersTransportSchema } from '../src/config/dynamic-schema.js';
import { builtinMiddlewares, builtinProviderSchemas } from '../src/builtins.js';

/** One documented key: its dotted path, type and description. */
export interface ReferenceRow {
  path: string;
  type: string;
  description: string;
}

type Schema = TSchema & Record<string, unknown>;

function typeOf(schema: Schema): string {
  if (schema.anyOf) {
    // Duration() is a string-or-number union: show it as one type.
    if ((schema.anyOf as Schema[]).some((s) => s.format === 'duration')) return 'duration';
    const parts = (schema.anyOf as Schema[]).map((s) => (s.const !== undefined ? JSON.stringify(s.const) : s.format === 'duration' ? 'duration' : typeOf(s)));
    return [...new Set(parts)].join(' \\| ');
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'array') return `list of ${typeOf(schema.items as Schema)}`;
  if (schema.type === 'object' && schema.patternProperties) return 'map';
  if (schema.format === 'duration') return 'duration';
  return String(schema.type ?? 'any');
}

/** Flattens a schema into rows, maps shown with a `<name>` segment. */
export function flatten(schema: Schema, prefix: string, rows: ReferenceRow[] = []): ReferenceRow[] {
  const props = schema.properties as Record<string, Schema> | undefined;
  const pattern = schema.patternProperties as Record<string, Schema> | undefined;
  if (schema.anyOf) {
    const objects = (schema.anyOf as Schema[]).filter((s) => s.type === 'object');
    if (objects.length === 1 && prefix) return flatten(objects[0]!, prefix, rows);
  }
  if (props) {
    for (const [key, child] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${key}` : key;
      rows.push({ path, type: typeOf(child), description: String(child.description ?? '') });
      flatten(child, path, rows);
    }
  } else if (pattern) {
    const child = Object.values(pattern)[0]!;
    if (child.properties || child.patternProperties) flatten(child, `${prefix}.<name>`, rows);
  } else if (schema.type === 'array' && (schema.items as Schema).properties) {
    flatten(schema.items as Schema, `${prefix}[]`, rows);
  }
  return rows;
}

function table(rows: ReferenceRow[]): string {
  const escape = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return ['| key | type | description |', '| --- | --- | --- |', ...rows.map((r) => `| \`${r.path}\` | ${r.type} | ${escape(r.description)} |`)].join('\n');
}

/** The whole configuration reference, generated from the schemas the gateway validates with. */
export function renderReference(): string {
  const middlewares = builtinMiddlewares();
  const sections = [
    '# Configuration reference',
    '',
    'Generated from the schemas Switchyard validates with (`npm run docs` rewrites it; a test fails when it is stale).',
    'Durations accept `10s`, `1m30s`, `250ms` or a number of seconds. Unknown keys are errors.',
    '',
    '## Static configuration',
    '',
    table(flatten(buildStaticSchema(builtinProviderSchemas()) as Schema, '')),
    '',
    '## Dynamic configuration',
    '',
    '### `http.routers.<name>`',
    '',
    table(flatten(RouterSchema as Schema, 'http.routers.<name>')),
    '',
    '### `http.services.<name>`',
    '',
    table(flatten(ServiceSchema as Schema, 'http.services.<name>')),
    '',
    '### `http.serversTransports.<name>`',
    '',
    table(flatten(ServersTransportSchema as Schema, 'http.serversTransports.<name>')),
    '',
    '### `http.middlewares.<name>`',
    '',
    ...middlewares.types().flatMap((type) => [`#### \`${type}\``, '', table(flatten(middlewares.get(type)!.schema as Schema, `http.middlewares.<name>.${type}`)), '']),
  ];
  return `${sections.join('\n').trimEnd()}\n`;
}
