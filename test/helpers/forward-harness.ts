import http, { ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { setContext, type RequestContext } from '../../src/http/context.js';
import { createForwarder } from '../../src/proxy/forward.js';
import { applyForwardedHeaders } from '../../src/proxy/forwarded-headers.js';
import type { ForwardOptions, ForwardOutcome, ForwardTarget, Forwarder } from '../../src/proxy/forwarder.js';
import { createTransport, type Transport } from '../../src/proxy/transport.js';
import { normalizeRequestTarget } from '../../src/routing/normalize-path.js';

/** Settings for a test gateway in front of one server. */
export interface HarnessOptions {
  target: string | ForwardTarget;
  passHostHeader?: boolean;
  transport?: Transport;
  /** Treat the test client as a trusted forwarding peer. */
  trusted?: boolean;
  /** Skip the entry point's forwarded-headers step, so the forwarder's fallback runs. */
  skipForwardedHeaders?: boolean;
}

/** A gateway listening on port 0 that builds a RequestContext and calls the forwarder, as an entry point would. */
export interface Harness {
  url: string;
  port: number;
  forwarder: Forwarder;
  transport: Transport;
  outcomes: ForwardOutcome[];
  /** Every request context built, in arrival order. */
  contexts: RequestContext[];
  /** Resolves with the next outcome not yet taken. */
  nextOutcome(): Promise<ForwardOutcome>;
  close(): Promise<void>;
}

function contextFor(req: IncomingMessage): RequestContext | { error: string } {
  const normalised = normalizeRequestTarget(req.url ?? '/');
  if ('error' in normalised) return normalised;
  return {
    entryPoint: 'web',
    tls: false,
    remoteAddr: req.socket.remoteAddress ?? '',
    remotePort: req.socket.remotePort ?? 0,
    host: (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase(),
    path: normalised.path,
    query: normalised.query,
    start: performance.now(),
  };
}

/** Starts a test gateway; `close()` also closes the transport it created. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const transport = options.transport ?? createTransport({});
  const forwarder = createForwarder();
  const target: ForwardTarget = typeof options.target === 'string' ? { url: new URL(options.target) } : options.target;
  const forwardOptions: ForwardOptions = { passHostHeader: options.passHostHeader ?? true, transport };
  const outcomes: ForwardOutcome[] = [];
  const contexts: RequestContext[] = [];
  const waiters: Array<(o: ForwardOutcome) => void> = [];
  let taken = 0;
  const record = (outcome: ForwardOutcome): void => {
    outcomes.push(outcome);
    const waiter = waiters.shift();
    if (waiter) {
      taken++;
      waiter(outcome);
    }
  };
  const dispatch = (req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): void => {
    const ctx = contextFor(req);
    if ('error' in ctx) {
      if (upgrade) upgrade.socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else res.writeHead(400).end(ctx.error);
      return;
    }
    if (upgrade) ctx.upgrade = upgrade;
    setContext(req, ctx);
    contexts.push(ctx);
    if (!options.skipForwardedHeaders) applyForwardedHeaders(req, ctx, { trusted: options.trusted ?? false });
    void forwarder.forward(req, res, target, forwardOptions).then(record);
  };
  const server = http.createServer((req, res) => dispatch(req, res));
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    dispatch(req, new ServerResponse(req), { socket, head });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    forwarder,
    transport,
    outcomes,
    contexts,
    nextOutcome() {
      if (taken < outcomes.length) return Promise.resolve(outcomes[taken++] as ForwardOutcome);
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      forwarder.close();
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.transport) transport.dispose();
    },
  };
}
