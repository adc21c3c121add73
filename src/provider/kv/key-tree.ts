/** One node of the key tree: a value stored at this exact key and/or keys below it. */
export interface KeyNode {
  /** The full key as stored, for error messages. */
  key: string;
  value?: string;
  children: Map<string, KeyNode>;
}

/** Trims the slashes around a root key, so `traefik`, `/traefik` and `traefik/` name the same root. */
export function normalizeRoot(rootKey: string): string {
  return rootKey.replace(/^\/+|\/+$/g, '');
}

/**
 * Builds the tree of the keys under `<root>/`; keys outside the root or with empty segments are
 * reported. A key may hold a value and have keys below it (`…/tls` = `true` next to `…/tls/options`).
 */
export function buildKeyTree(pairs: Array<{ key: string; value: string }>, rootKey: string, errors: string[]): KeyNode {
  const root = normalizeRoot(rootKey);
  const tree: KeyNode = { key: root, children: new Map() };
  const prefix = root === '' ? '' : `${root}/`;
  for (const { key, value } of pairs) {
    // A trailing slash is how some tools write folder markers; it names the node itself.
    const bare = key.replace(/^\/+/, '').replace(/\/+$/, '');
    if (bare === root) continue;
    if (!bare.startsWith(prefix)) {
      errors.push(`key "${key}": outside the root key "${root}"`);
      continue;
    }
    const segments = bare.slice(prefix.length).split('/');
    if (segments.some((segment) => segment === '')) {
      errors.push(`key "${key}": empty path segment`);
      continue;
    }
    let node = tree;
    for (const segment of segments) {
      let child = node.children.get(segment);
      if (!child) {
        child = { key: `${node.key}/${segment}`, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    // A folder marker (empty value ending in `/`) carries no setting.
    if (!(key.endsWith('/') && value === '')) node.value = value;
  }
  return tree;
}
