import t from 'tap';
import http from 'node:http';
import { once } from 'node:events';
import { Pool } from 'undici';
import { WebSocketServer, WebSocket } from 'ws';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { startBackend } from '../helpers/backends.js';

// The zero-drop promise (DESIGN.md, Architecture): requests keep flowing on keep-alive connections
// while the dynamic file is rewritten over and over, and a WebSocket opened before survives them all.
t.test('sixty reloads under keep-alive load drop no request and no WebSocket', async (t) => {
  const a = await startBackend((_req, res) => res.end('A'));
  const b = await startBackend((_req, res) => res.end('B'));
  const wsServer = http.createServer();
  const wss = new WebSocketServer({ server: wsServer });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${data}`)));
  wsServer.listen(0, '127.0.0.1');
  await once(wsServer, 'listening');
  const wsPort = (wsServer.address() as { port: number }).port;

  const config = (i: number, opts: { broken?: boolean } = {}) => ({
    http: {
      routers: {
        stable: { rule: 'PathPrefix(`/stable`)', service: i % 2 === 0 ? 'svc-a' : 'svc-b' },
        ws: { rule: 'Path(`/ws`)', service: 'svc-ws' },
        [`extra-${i}`]: { rule: `Path(\`/extra-${i}\`)`, service: 'svc-b', priority: 100 + i },
        ...(opts.broken ? { broken: { rule: 'Path(`/unclosed`', service: 'svc-a' } } : {}),
      },
      services: {
        'svc-a': { loadBalancer: { servers: [{ url: a.url }] } },
        'svc-b': { loadBalancer: { servers: [{ url: b.url }] } },
        'svc-ws': { loadBalancer: { servers: [{ url: `http://127.0.0.1:${wsPort}` }] } },
      },
    },
  });
  const gw = await startTestGateway({ dynamic: { 'routes.yaml': config(0) } });
  t.teardown(async () => {
    await gw.close();
    await a.close();
    await b.close();
    wss.close();
    wsServer.close();
  });

  const ws = new WebSocket(`ws://127.0.0.1:${gw.port()}/ws`);
  await once(ws, 'open');
  const echo = async (text: string) => {
    ws.send(text);
    const [data] = await once(ws, 'message');
    return String(data);
  };
  t.equal(await echo('before'), 'echo:before', 'the WebSocket echoes before the first reload');

  const pool = new Pool(`http://127.0.0.1:${gw.port()}`, { connections: 4, pipelining: 1 });
  let connects = 0;
  pool.on('connect', () => connects++);
  const results = { ok: 0, failed: [] as string[], bodies: new Set<string>() };
  let running = true;
  const client = async () => {
    while (running) {
      try {
        const response = await pool.request({ path: '/stable', method: 'GET' });
        const body = await response.body.text();
        if (response.statusCode === 200) {
          results.ok++;
          results.bodies.add(body);
        } else results.failed.push(`status ${response.statusCode}: ${body}`);
      } catch (error) {
        results.failed.push(String(error));
      }
    }
  };
  const clients = [client(), client(), client(), client()];

  const reloads = 60;
  for (let i = 1; i <= reloads; i++) {
    await gw.writeDynamic('routes.yaml', config(i, { broken: i % 10 === 0 }));
    const extra = await fetch(gw.url(`/extra-${i}`));
    t.equal(extra.status, 200, `the route added by reload ${i} answers`);
    await extra.text();
    if (i > 1) {
      const removed = await fetch(gw.url(`/extra-${i - 1}`));
      t.equal(removed.status, 404, `the route removed by reload ${i} is gone`);
      await removed.text();
    }
  }
  running = false;
  await Promise.all(clients);
  await pool.close();

  t.same(results.failed, [], 'no request failed');
  t.ok(results.ok > reloads, `requests kept flowing (${results.ok} answered)`);
  t.same([...results.bodies].sort(), ['A', 'B'], 'the stable route followed its changing service');
  t.equal(connects, 4, 'the four keep-alive connections were never dropped');
  t.ok(gw.gateway.version() >= reloads, 'every reload produced a routing table');
  t.equal(await echo('after'), 'echo:after', 'the WebSocket opened before the first reload still echoes after the last');
  // Reload 60 carried a router with an unparsable rule: it is disabled, the rest served throughout.
  const broken = gw.gateway.table()!.status.routers['broken@file'];
  t.equal(broken?.status, 'disabled', 'the broken router of the last configuration is disabled');
  t.match(broken?.error?.join(' '), /rule/i, 'and its error names the rule');
  ws.close();
});
