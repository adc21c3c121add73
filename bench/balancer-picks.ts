// Balancer picks: the per-request cost of a load balancer service's own work (strategy pick, health, in-flight
// counting) at 10, 100 and 1,000 servers, for wrr, p2c and leasttime, with and without a passive health check.
// The forwarder answers at once (writes the response head) without a network, so only the service's own work is
// timed; best of 3 loops.
// Usage: node --import ./bin/ts-hooks.js bench/balancer-picks.ts
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { LoadBalancerConfig } from '../src/config/dynamic-schema.js';
import { setContext } from '../src/http/context.js';
import { silentLogger } from '../src/log.js';
import type { ForwardOutcome, Forwarder } from '../src/proxy/forwarder.js';
import { createTransport } from '../src/proxy/transport.js';
import { StateStore } from '../src/runtime/state-store.js';
import { buildService } from '../src/services/build.js';

const answered: Promise<ForwardOutcome> = Promise.resolve({ responded: true, status: 200 } as ForwardOutcome);
// The server "answers" at once: the response head is written, so leasttime measures every server as it would live.
const forwarder = {
  forward: (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200);
    return answered;
  },
} as unknown as Forwarder;
const transport = createTransport({});
const state = new StateStore();
const req = new IncomingMessage(new Socket());
setContext(req, { entryPoint: 'web', tls: false, remoteAddr: '127.0.0.1', remotePort: 1, host: 'bench', path: '/', query: '', start: 0 } as Parameters<typeof setContext>[1]);

console.log(`# node ${process.version}, ${os.cpus().length} cores; µs per request, best of 3 loops`);
console.log('| servers | strategy | health check | µs per request |');
console.log('| ---: | --- | --- | ---: |');
for (const n of [10, 100, 1000]) {
  for (const strategy of ['wrr', 'p2c', 'leasttime'] as const) {
    for (const passive of [false, true]) {
      const config: LoadBalancerConfig = { strategy, servers: Array.from({ length: n }, (_, i) => ({ url: `http://127.0.0.1:${10000 + i}` })) };
      if (passive) config.passiveHealthCheck = { failureWindow: '10s' };
      const name = `${strategy}-${n}-${passive}@bench`;
      const service = buildService({ loadBalancer: config }, { name, forwarder, state, transport: () => transport, child: () => { throw new Error('no children'); }, log: silentLogger });
      // A fresh response per request: leasttime wraps writeHead on each one.
      const loops = Math.round(200_000 / Math.max(1, n / 10));
      for (let i = 0; i < 1000; i++) await service.handle(req, new ServerResponse(req));
      let best = Infinity;
      for (let round = 0; round < 3; round++) {
        const start = performance.now();
        for (let i = 0; i < loops; i++) await service.handle(req, new ServerResponse(req));
        best = Math.min(best, ((performance.now() - start) / loops) * 1000);
      }
      console.log(`| ${n} | ${strategy} | ${passive ? 'passive' : 'none'} | ${best.toFixed(2)} |`);
    }
  }
}
