import t from 'tap';
import { readFile } from 'node:fs/promises';
import { renderReference } from '../../scripts/config-reference.js';
import { renderErrors } from '../../scripts/errors-reference.js';
import { renderMiddlewaresIndex, middlewarePage } from '../../scripts/middlewares-index.js';
import { existsSync } from 'node:fs';
import { builtinMiddlewares } from '../../src/builtins.js';

// The configuration reference is generated from the schemas; it must not drift from them.
t.test('docs/configuration/reference.md matches the schemas', async (t) => {
  const written = await readFile(new URL('../../docs/configuration/reference.md', import.meta.url), 'utf8');
  t.equal(written, renderReference(), 'run `npm run docs` to regenerate it');
});

t.test('the reference documents the keys users look for', async (t) => {
  const reference = renderReference();
  for (const key of ['entryPoints.<name>.address', 'providers.file.directory', 'http.routers.<name>.rule', 'http.services.<name>.loadBalancer.servers[].url', 'http.middlewares.<name>.chain.middlewares']) {
    t.match(reference, `\`${key}\``, key);
  }
});

t.test('docs/errors.md matches the error catalog', async (t) => {
  const written = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  t.equal(written, renderErrors(), 'run `npm run docs` to regenerate it');
});

t.test('docs/middlewares.md lists every built-in middleware', async (t) => {
  const docs = new URL('../../docs/', import.meta.url);
  const written = await readFile(new URL('middlewares.md', docs), 'utf8');
  t.equal(written, renderMiddlewaresIndex(docs), 'run `npm run docs` to regenerate it');
});

t.test('every built-in middleware has its own documentation page', async (t) => {
  const docs = new URL('../../docs/', import.meta.url);
  for (const type of builtinMiddlewares().types()) {
    if (type === 'chain') continue;
    t.ok(existsSync(new URL(middlewarePage(type), docs)), `${type}: ${middlewarePage(type)}`);
  }
});
