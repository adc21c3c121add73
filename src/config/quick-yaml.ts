import { load } from 'js-yaml';

/**
 * Reads plain YAML data about ten times faster than the `yaml` package, or answers `undefined` to
 * let `yaml` decide. A file provider re-reads its files on every change, and with 1,000 routers
 * `yaml` spent 65–160 ms of the serving thread per reload where js-yaml needs 2–13 ms.
 *
 * `yaml` stays the authority: js-yaml's core schema (the default: no timestamps, no `<<` merge
 * keys, `yes` is a string, as in `yaml`'s YAML 1.2 core) reads the documents both accept the same
 * way (test/src/config/quick-yaml.test.ts compares them), and everything else goes to `yaml`: a
 * document js-yaml refuses (syntax errors, duplicate keys, custom tags, complex keys, several
 * documents), so errors keep `yaml`'s messages and positions; and a document where an alias
 * repeats a mapping or list, so `yaml`'s bound on alias expansion ("billion laughs") still applies.
 * So do the corners where the two differ, which a random search of YAML fragments found: anchors,
 * tags, explicit `?` keys and document markers (js-yaml takes some placements `yaml` refuses), an
 * empty key (`yaml` reads "", js-yaml "null") and a top level that is not a mapping.
 */
export function quickYaml(text: string): unknown {
  if (SYNTAX_LEFT_TO_YAML.test(text)) return undefined;
  let value: unknown;
  try {
    value = load(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  // Without a `*` in the text there is no alias, so no object can appear twice: no set of every node to keep.
  return unusual(value, text.includes('*')) ? undefined : value;
}

// An anchor `&a` (not the `&&` of a rule), a tag `!t` where a node starts, an explicit key `? k`, or a
// `---` / `...` line: found in text before parsing, rare in configuration files, left to `yaml`.
const SYNTAX_LEFT_TO_YAML = /(?:^|[^&])&(?!&)\S|(?:^|[\s,[{:-])!|(?:^|[\s,[{])\?(?:\s|$)|^\s*(?:---|\.\.\.)/m;

// Only an alias makes one object appear twice in what js-yaml returns; an empty key comes out as "null" or "".
function unusual(root: object, mayAlias: boolean): boolean {
  const seen = mayAlias ? new Set<object>() : undefined;
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen) {
      if (seen.has(node)) return true;
      seen.add(node);
    }
    // Index loops and for…in, not Object.values: a list of every node's values was a throw-away array per node
    // (60,000 of them for a file of 10,000 routers, re-read on every reload).
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (child !== null && typeof child === 'object') stack.push(child);
      }
      continue;
    }
    if (Object.hasOwn(node, 'null') || Object.hasOwn(node, '')) return true;
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const child = (node as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return false;
}
