import { readFile } from 'node:fs/promises';
import t from 'tap';
import { middlewarePage } from '../../scripts/middlewares-index.js';
import { builtinMiddlewares } from '../../src/builtins.js';

// Issue 3: each middleware page documents every option with its default and shows an example. The
// generated reference lists the keys; this checks the hand-written pages did not fall behind the schemas.

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
}

/** Every option path of a schema (`redis.tls.ca`, `info.subject.commonName`, …). */
function optionPaths(node: SchemaNode, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path);
    for (const variant of [child, child.items, ...(child.anyOf ?? [])]) {
      if (variant?.properties) out.push(...optionPaths(variant, path));
    }
  }
  return [...new Set(out)];
}

const docs = new URL('../../docs/', import.meta.url);
const registry = builtinMiddlewares();

for (const type of registry.types()) {
  t.test(`${type}: its page names every option, has an options table with defaults and an example`, async (t) => {
    const page = await readFile(new URL(middlewarePage(type), docs), 'utf8');
    const schema = registry.get(type)!.schema as SchemaNode;
    for (const path of optionPaths(schema)) {
      const key = path.split('.').at(-1)!;
      // A key is documented when it appears in code spans, alone or inside a dotted path or a YAML example.
      const named = new RegExp(`\`[^\`\\n]*\\b${key}\\b[^\`\\n]*\``).test(page) || new RegExp(`^\\s*${key}:`, 'm').test(page);
      t.ok(named, `${path} is documented`);
    }
    if (type !== 'chain') t.match(page, /\|\s*option\s*\|\s*default\s*\|/i, 'an options table with a default column');
    t.match(page, /```ya?ml\n[\s\S]*?\b(http|middlewares):/, 'a YAML example');
  });
}
