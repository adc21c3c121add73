import { existsSync } from 'node:fs';
import { builtinMiddlewares } from '../src/builtins.js';

// Deprecated aliases share the page of the name that replaced them.
const ALIASES: Record<string, string> = { ipWhiteList: 'ipAllowList' };

/** The docs page (relative to docs/) of a middleware type: kebab-case of its key. */
export function middlewarePage(type: string): string {
  // camelCase to kebab-case, keeping acronyms together (passTLSClientCert → pass-tls-client-cert).
  const name = (ALIASES[type] ?? type)
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return `middlewares/${name}.md`;
}

/** docs/middlewares.md: every built-in middleware with a link to its page (generated from the registry). */
export function renderMiddlewaresIndex(docsDir: URL): string {
  const registry = builtinMiddlewares();
  const rows = registry.types().map((type) => {
    const page = middlewarePage(type);
    const alias = ALIASES[type] ? ` (deprecated name of \`${ALIASES[type]}\`)` : '';
    const link = existsSync(new URL(page, docsDir)) ? `[${page}](${page})` : '(no page yet)';
    return `| \`${type}\`${alias} | ${link} |`;
  });
  return `${[
    '# Middlewares',
    '',
    'Generated from the middleware registry (`npm run docs`). A middleware is declared under',
    '`http.middlewares.<name>` with exactly one key naming its type, and used by routers (`middlewares: [name]`),',
    'by entry points (`entryPoints.<name>.http.middlewares`) or by services (`http.services.<name>.middlewares`).',
    'On a request they run in that order: entry point, router, service. Every option of every type is in the',
    '[configuration reference](configuration/reference.md); each page below explains one type with examples.',
    '',
    '| type | page |',
    '| --- | --- |',
    ...rows,
  ].join('\n')}\n`;
}
