import http from 'node:http';
import { Agent, request } from 'undici';

/** Steady keep-alive load on one URL, as an upgrade must never break it. */
export interface KeepAliveLoad {
  /** Requests answered 200 with the expected body so far. */
  ok(): number;
  /** Every other outcome, described. */
  failures: string[];
  /** Ends the loops (each finishes its request in flight) and closes the clients. */
  stop(): Promise<void>;
}

/**
 * Two undici keep-alive pools and two node:http keep-alive loops, one request after another each:
 * the two client stacks see a closed or reset keep-alive connection differently, and both must pass.
 */
export function startKeepAliveLoad(url: string, body: string): KeepAliveLoad {
  const { hostname, port, pathname } = new URL(url);
  const undiciAgent = new Agent({ connections: 2, pipelining: 1 });
  const nodeAgent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const failures: string[] = [];
  let ok = 0;
  let stopped = false;
  const undiciLoop = async () => {
    while (!stopped) {
      try {
        const res = await request(url, { dispatcher: undiciAgent });
        const text = await res.body.text();
        if (res.statusCode === 200 && text === body) ok++;
        else failures.push(`undici ${res.statusCode} ${text}`);
      } catch (error) {
        failures.push(`undici ${(error as Error).message}`);
      }
    }
  };
  const nodeLoop = async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const req = http.get({ host: hostname, port, path: pathname, agent: nodeAgent }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            if (res.statusCode === 200 && text === body) ok++;
            else failures.push(`node ${res.statusCode} ${text}`);
            resolve();
          });
          res.on('error', (error) => (failures.push(`node ${error.message}`), resolve()));
        });
        req.on('error', (error) => (failures.push(`node ${error.message}`), resolve()));
      });
    }
  };
  const loops = [undiciLoop(), undiciLoop(), nodeLoop(), nodeLoop()];
  let closing: Promise<void> | undefined;
  return {
    ok: () => ok,
    failures,
    stop() {
      stopped = true;
      closing ??= Promise.all(loops).then(async () => {
        nodeAgent.destroy();
        await undiciAgent.close();
      });
      return closing;
    },
  };
}
