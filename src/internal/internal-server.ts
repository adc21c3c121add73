import Fastify, { type FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { INTERNAL_ENTRY_POINT } from '../config/static-types.js';
import type { Logger } from '../log.js';
import { parseAddress } from '../entrypoint/listen-address.js';

/** What the internal entry point reports on. */
export interface InternalState {
  terminating(): boolean;
  ready(): boolean;
}

/** Options of the internal entry point `switchyard` (ping, readiness; the API and metrics attach here later). */
export interface InternalServerOptions {
  address: string;
  ping: { terminatingStatusCode: number } | undefined;
  state: InternalState;
  log: Logger;
  /** Features that add routes here: the API and dashboard, metrics. */
  plugins?: Array<(app: FastifyInstance) => void>;
  /** Prepare only: the caller then calls listen() or adopt() (a gateway taking over from the one it upgrades). */
  defer?: boolean;
}

/** The running internal server. */
export interface InternalServer {
  server: Server;
  /** Binds the configured address (only after `defer`). */
  listen(): Promise<void>;
  /** Accepts on a listening socket received on an upgrade (only after `defer`). */
  adopt(handle: NetServer): void;
  close(): Promise<void>;
}

/** Starts the fastify server behind the internal entry point; returns it listening. */
export async function startInternalServer(options: InternalServerOptions): Promise<InternalServer> {
  // Requests to ping and readiness are not worth a log line each; errors still reach the process log.
  const app = Fastify({ logger: false });
  app.setErrorHandler((error, _req, reply) => {
    options.log.error({ err: error, entryPoint: 'switchyard' }, 'internal entry point error');
    return reply.code(500).send({ message: 'internal error' });
  });
  if (options.ping) {
    const terminatingStatus = options.ping.terminatingStatusCode;
    // Liveness, as Traefik's /ping: 200 while running, the terminating status during shutdown.
    app.route({
      method: ['GET', 'HEAD'],
      url: '/ping',
      handler: async (_req, reply) => reply.code(options.state.terminating() ? terminatingStatus : 200).type('text/plain').send('OK'),
    });
  }
  // Readiness (Traefik #10458): 200 only once every provider's first snapshot is applied, 503 while shutting down.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/ready',
    handler: async (_req, reply) => {
      const ready = options.state.ready() && !options.state.terminating();
      return reply.code(ready ? 200 : 503).type('text/plain').send(ready ? 'READY' : 'NOT READY');
    },
  });
  for (const plugin of options.plugins ?? []) plugin(app);
  const { host, port } = parseAddress(options.address);
  const listen = async (): Promise<void> =>
    void (await app.listen({ port, host: host ?? '::' }).catch((error: Error) => {
      throw new Error(`${error.message} (entry point ${INTERNAL_ENTRY_POINT})`, { cause: error });
    }));
  if (!options.defer) await listen();
  else await app.ready();
  return {
    server: app.server,
    listen,
    adopt: (handle) => void app.server.listen(handle),
    close: () => app.close(),
  };
}
