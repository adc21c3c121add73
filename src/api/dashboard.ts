import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One file of the dashboard, read once at start and served from memory. */
export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

// The browser code is plain ES modules and CSS at the package root; no build step produces it.
const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

// The dashboard talks only to its own origin; this keeps an injected string from loading or sending anything.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

let assetCache: Map<string, DashboardAsset> | undefined;

/** Reads every servable file under the dashboard folder into a map keyed by its URL path (`views/list.js`). */
export function loadDashboardAssets(dir: string = DASHBOARD_DIR): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      if (entry.startsWith('.')) continue;
      const full = path.join(folder, entry);
      if (statSync(full).isDirectory()) {
        walk(full, `${prefix}${entry}/`);
        continue;
      }
      const contentType = CONTENT_TYPES[path.extname(entry)];
      if (!contentType) continue;
      const body = readFileSync(full);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      assets.set(`${prefix}${entry}`, { body, contentType, etag });
    }
  };
  walk(dir, '');
  return assets;
}

/**
 * Serves the web dashboard at `<basePath>/dashboard/` from the files known at start; `<basePath>/` and
 * `<basePath>/dashboard` redirect there (the trailing slash is required, as in Traefik).
 */
export function registerDashboard(app: FastifyInstance, basePath: string): void {
  // Read once per process: the API registers the dashboard on several fastify instances.
  assetCache ??= loadDashboardAssets();
  const assets = assetCache;
  const prefix = basePath.replace(/\/+$/, '');
  const home = `${prefix}/dashboard/`;

  const send = (request: FastifyRequest, reply: FastifyReply, file: string): FastifyReply => {
    // Lookup by exact key: a path with `..`, an encoded slash or anything not read at start is simply unknown.
    const asset = assets.get(file);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
    reply.headers(SECURITY_HEADERS);
    // File names carry no content hash, so browsers revalidate each time and get a 304 while unchanged.
    reply.header('cache-control', 'no-cache').header('etag', asset.etag).type(asset.contentType);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  };

  // The relative URLs in the page (`app.js`, `../api/`) resolve only under the trailing slash.
  const redirect = async (_request: FastifyRequest, reply: FastifyReply) => reply.redirect(home, 302);
  app.route({ method: ['GET', 'HEAD'], url: `${prefix}/`, handler: redirect });
  app.route({ method: ['GET', 'HEAD'], url: `${prefix}/dashboard`, handler: redirect });
  app.route({
    method: ['GET', 'HEAD'],
    url: `${home}*`,
    handler: async (request, reply) => {
      const file = (request.params as { '*': string })['*'];
      return send(request, reply, file === '' ? 'index.html' : file);
    },
  });
}
