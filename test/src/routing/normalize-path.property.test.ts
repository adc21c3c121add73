import t from 'tap';
import fc from 'fast-check';
import { normalizePath, normalizeRequestTarget, renormalizePath, type PathOptions } from '../../../src/routing/normalize-path.js';
import { checkProperty } from '../../helpers/property.js';

// The path normaliser on arbitrary targets: it never throws, its output is stable under a second
// pass (what path-rewriting middlewares rely on), and it never hands a router or a server a dot
// segment, an empty segment or an encoded separator it was not told to allow.

const options: fc.Arbitrary<PathOptions> = fc.record(
  {
    allowEncodedSlash: fc.boolean(),
    allowEncodedBackSlash: fc.boolean(),
    allowEncodedNull: fc.boolean(),
    allowEncodedSemicolon: fc.boolean(),
    allowEncodedPercent: fc.boolean(),
    allowEncodedQuestionMark: fc.boolean(),
    allowEncodedHash: fc.boolean(),
    sanitize: fc.boolean(),
  },
  { requiredKeys: [] },
);

// Segments that have broken path routing somewhere (security.md §2.8), mixed with plain ones.
const segment = fc.oneof(
  fc.constantFrom('a', 'admin', '.', '..', '%2e', '%2E%2e', '.%2e', '%2e.', '', '%2f', '%2F', '%5c', '\\', '%00', '%41', '%7e', '%3b', '%3B', '..;', '.;x', '%2e%2e;', '%25', '%252e', '%c0%af', '%c0%ae%c0%ae', ';x=1', '%', '%z', '%zz', '%3f', '%23', '#', '?', '~', '%20'),
  fc.string({ maxLength: 6, unit: 'grapheme-ascii' }),
);
const pathLike = fc.array(segment, { maxLength: 12 }).map((parts) => `/${parts.join('/')}`);
const anyTarget = fc.oneof(pathLike, fc.string({ maxLength: 60, unit: 'binary' }), fc.tuple(pathLike, fc.string({ maxLength: 20 })).map(([p, q]) => `${p}?${q}`));

/** What no normalised path may contain, given the options. */
function violations(path: string, opts: PathOptions): string[] {
  const found: string[] = [];
  if (!path.startsWith('/')) found.push('does not start with /');
  if (/[\x00-\x20\x7f-\uffff#?]/.test(path)) found.push('raw control, space, non-ASCII, # or ?');
  if (/%(?![0-9A-F]{2})/.test(path)) found.push('a % that is not an upper-case escape');
  const segments = path.split('/').slice(1);
  if (opts.sanitize !== false) {
    if (segments.some((s) => s === '.' || s === '..')) found.push('dot segment');
    if (path.includes('//')) found.push('empty segment');
  } else if (segments.some((s) => s === '.' || s === '..')) found.push('dot segment kept unsanitised');
  if (segments.some((s) => /^\.\.?;/.test(s))) found.push('dot segment with parameters');
  if (/%2[Ee]/.test(path) || /%(4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|3[0-9]|2D|5F|7E)/.test(path)) found.push('an encoded unreserved character');
  if (!opts.allowEncodedSlash && path.includes('%2F')) found.push('encoded slash');
  if (!opts.allowEncodedBackSlash && (path.includes('%5C') || path.includes('\\'))) found.push('backslash');
  if (!opts.allowEncodedNull && path.includes('%00')) found.push('encoded NUL');
  if (opts.allowEncodedSemicolon === false && path.includes('%3B')) found.push('encoded semicolon');
  if (opts.allowEncodedPercent === false && path.includes('%25')) found.push('encoded percent');
  if (opts.allowEncodedQuestionMark === false && path.includes('%3F')) found.push('encoded question mark');
  if (opts.allowEncodedHash === false && path.includes('%23')) found.push('encoded hash');
  return found;
}

t.test('normalising never throws and keeps the query byte for byte', async (t) => {
  checkProperty(
    t,
    'no exception, query kept',
    fc.property(anyTarget, options, (target, opts) => {
      const result = normalizeRequestTarget(target, opts);
      if ('error' in result) return typeof result.error === 'string' && result.error.length > 0;
      const mark = target.indexOf('?');
      return result.query === (mark === -1 ? '' : target.slice(mark + 1));
    }),
    4000,
  );
});

t.test('a normalised path has no dot segment, empty segment or disallowed escape', async (t) => {
  checkProperty(
    t,
    'output invariants',
    fc.property(pathLike, options, (path, opts) => {
      const result = normalizePath(path, opts);
      if ('error' in result) return true;
      const found = violations(result.path, opts);
      if (found.length) throw new Error(`${JSON.stringify(path)} → ${JSON.stringify(result.path)}: ${found.join(', ')}`);
      return true;
    }),
    4000,
  );
});

t.test('normalising is idempotent, so a rewrite re-check never changes an accepted path', async (t) => {
  checkProperty(
    t,
    'idempotent',
    fc.property(pathLike, options, (path, opts) => {
      const once = normalizePath(path, opts);
      if ('error' in once) return true;
      const twice = renormalizePath(once.path, opts);
      return !('error' in twice) && twice.path === once.path;
    }),
    4000,
  );
});

t.test('sanitizing never moves a path above a prefix it did not name', async (t) => {
  // Whatever follows `/public/`, the result either stays under `/public` or lost it only through `..`.
  checkProperty(
    t,
    'no escape without ..',
    fc.property(fc.array(segment.filter((s) => !s.includes('/') && !/^(\.|%2e)(\.|%2e)$/i.test(s)), { maxLength: 10 }), (parts) => {
      const result = normalizePath(`/public/${parts.join('/')}`);
      return 'error' in result || result.path === '/public' || result.path.startsWith('/public/');
    }),
    3000,
  );
});
