import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { forwardedUrl, getContext, setContext } from '../../src/http/context.js';
import { normalizeRequestTarget } from '../../src/routing/normalize-path.js';
import { createReplayRequest } from '../../src/services/replay-request.js';
import type { Service } from '../../src/services/service.js';
import { createDiscardSocket, createSinkResponse } from '../../src/services/sink-response.js';
import { interceptResponse, type ResponseSink } from '../response/intercept.js';
import { queryEscape } from './status-ranges.js';

/** How to ask the error service for a page. */
export interface ErrorPageOptions {
  service: Service;
  serviceName: string;
  query: string;
  /** Lower-cased names of the request headers sent along; undefined sends them all. */
  headers?: Set<string>;
}

/** The request target for the error service: `query` with its placeholders filled, always starting with `/`. */
export function errorPageTarget(query: string, status: number, originalStatus: number, url: string): string {
  const filled = query.replaceAll('{status}', String(status)).replaceAll('{originalStatus}', String(originalStatus)).replaceAll('{url}', queryEscape(url));
  return `/${filled.replace(/^\/+/, '')}`;
}

function plainAnswer(sink: ResponseSink, status: number): void {
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  sink.writeHead({ status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) } });
  sink.write(Buffer.from(body));
  sink.end();
}

/**
 * Asks the error service for its page with a GET built from the original request (no body), and relays
 * that page to the client under `status`: the client sees the page with the server's (or rewritten) status,
 * as in Traefik. If the page cannot be fetched at all, a plain-text answer with the status is sent.
 */
export function serveErrorPage(req: IncomingMessage, sink: ResponseSink, options: ErrorPageOptions, status: number, originalStatus: number, url: string): void {
  const target = normalizeRequestTarget(errorPageTarget(options.query, status, originalStatus, url));
  if ('error' in target) return plainAnswer(sink, status);
  const page = createReplayRequest(req, createDiscardSocket(req.socket as Socket), []);
  page.method = 'GET';
  page.url = forwardedUrl({ path: target.path, query: target.query } as Parameters<typeof forwardedUrl>[0]);
  const headers: IncomingMessage['headers'] = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'host' || !options.headers || options.headers.has(name)) headers[name] = value;
  }
  // The page request has no body, whatever the original had.
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  delete headers.expect;
  page.headers = headers;
  const { upgrade: _u, triedServers: _t, attempt: _a, ...rest } = getContext(req);
  setContext(page, { ...rest, path: target.path, query: target.query, serviceName: options.serviceName });

  const pageRes = createSinkResponse(page);
  let started = false;
  interceptResponse(pageRes, (pageSink) => ({
    head(head) {
      started = true;
      pageSink.writeHead(head);
      const relayed: OutgoingHttpHeaders = { ...head.headers };
      sink.writeHead({ status, headers: relayed });
    },
    write(chunk) {
      pageSink.write(chunk);
      return sink.write(chunk);
    },
    end() {
      pageSink.end();
      sink.end();
    },
  }));
  Promise.resolve()
    .then(() => options.service.handle(page, pageRes))
    .catch(() => {
      if (!started) plainAnswer(sink, status);
    });
}
