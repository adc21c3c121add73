import type { IncomingMessage } from 'node:http';
import type { MirroringConfig } from '../config/dynamic-schema.js';
import { getContext, setContext, type RequestContext } from '../http/context.js';
import { hasRequestBody } from '../http/request-body.js';
import { configHash } from '../runtime/state-store.js';
import type { ServiceBuildContext } from './build.js';
import { isHealthChecked } from './health-signal.js';
import { readBody } from './read-body.js';
import { createReplayRequest } from './replay-request.js';
import type { Service } from './service.js';
import { createDiscardSocket, createSinkResponse } from './sink-response.js';

/**
 * Builds a `mirroring` service. The main service answers the client; each mirror gets a copy of
 * `percent`% of requests, chosen by a per-mirror accumulator (exactly 10 of every 100 for 10%), and
 * handled by the mirror's own Service with a response whose output is discarded, so mirrors get
 * every feature of a service (balancing, health, sticky) and the client never waits for them.
 * A body is buffered only when a mirror was chosen and mirrorBody is on; one over maxBodySize is not mirrored.
 */
export function createMirroring(config: MirroringConfig, ctx: ServiceBuildContext): Service {
  const main = ctx.child(config.service);
  if (config.healthCheck && !isHealthChecked(main)) {
    throw new Error(`mirroring.healthCheck needs health checking on the main service, and service "${config.service}" has none`);
  }
  const mirrors = (config.mirrors ?? []).map((m) => ({ name: m.name, service: ctx.child(m.name), percent: m.percent ?? 0 }));
  const mirrorBody = config.mirrorBody ?? true;
  const maxBodySize = config.maxBodySize ?? -1;
  const position = ctx.state.get(`mirroring:${ctx.name}:${configHash(config.mirrors ?? [])}`, () => ({ acc: mirrors.map(() => 0) }));

  const choose = (): typeof mirrors => {
    return mirrors.filter((mirror, i) => {
      position.acc[i]! += mirror.percent;
      if (position.acc[i]! < 100) return false;
      position.acc[i]! -= 100;
      return true;
    });
  };

  const send = (mirror: (typeof mirrors)[number], from: IncomingMessage, rctx: RequestContext, body: readonly Buffer[]): void => {
    const copy = createReplayRequest(from, createDiscardSocket(from.socket), body);
    if (body.length === 0 && hasRequestBody(from)) {
      // mirrorBody: false sends the request without its body, announced as such.
      delete copy.headers['transfer-encoding'];
      copy.headers['content-length'] = '0';
    }
    const { upgrade: _u, triedServers: _t, attempt: _a, ...rest } = rctx;
    setContext(copy, { ...rest, serviceName: mirror.name });
    Promise.resolve()
      .then(() => mirror.service.handle(copy, createSinkResponse(copy)))
      .catch((error: unknown) => ctx.log.debug({ service: ctx.name, mirror: mirror.name, err: error }, 'mirror request failed'));
  };

  return {
    healthChecked: config.healthCheck !== undefined,
    async handle(req, res) {
      const rctx = getContext(req);
      // WebSocket upgrades are a connection, not a request: they are never mirrored.
      const chosen = rctx.upgrade ? [] : choose();
      if (chosen.length === 0) return main.handle(req, res);
      if (!mirrorBody || !hasRequestBody(req)) {
        for (const mirror of chosen) send(mirror, req, rctx, []);
        return main.handle(req, res);
      }
      const declared = Number(req.headers['content-length']);
      if (maxBodySize >= 0 && declared > maxBodySize) return main.handle(req, res);
      let body;
      try {
        body = await readBody(req, maxBodySize);
      } catch {
        // The client went away while sending its body: nobody is left to answer.
        res.destroy();
        return;
      }
      if (body.complete) for (const mirror of chosen) send(mirror, req, rctx, body.chunks);
      // The body was read from `req`, so the main service gets a request that replays it (and the unread rest).
      const replay = createReplayRequest(req, req.socket, body.chunks, body.complete ? undefined : req);
      setContext(replay, rctx);
      return main.handle(replay, res);
    },
    healthy: () => main.healthy(),
    onHealthChange: (listener) => main.onHealthChange(listener),
    serverStatus: () => ({}),
    async close() {},
  };
}


