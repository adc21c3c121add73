import t from 'tap';
import http from 'node:http';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestGateway } from '../helpers/gateway-harness.js';

// A WebSocket's answer is written to the socket, not through the response object: its log line and
// metrics must still say 101 and protocol websocket, and be written when the tunnel closes.
t.test('a WebSocket tunnel is logged as 101 with protocol websocket', async (t) => {
  const server = http.createServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-ws-'));
  const file = path.join(dir, 'access.log');
  const gw = await startTestGateway({
    static: { accessLog: { filePath: file, format: 'json' }, metrics: { prometheus: {} } },
    dynamic: { 'routes.yaml': { http: { routers: { ws: { rule: 'PathPrefix(`/`)', service: 'ws' } }, services: { ws: { loadBalancer: { servers: [{ url: backendUrl }] } } } } } },
  });
  t.teardown(async () => {
    await gw.close();
    for (const client of wss.clients) client.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  const ws = new WebSocket(`ws://127.0.0.1:${gw.port()}/chat`);
  await once(ws, 'open');
  ws.send('ping');
  const [reply] = await once(ws, 'message');
  t.equal(String(reply), 'ping', 'the tunnel works');
  ws.close();
  await once(ws, 'close');

  let text = '';
  for (let i = 0; i < 100 && !text.includes('/chat'); i++) {
    text = await readFile(file, 'utf8').catch(() => '');
    if (!text.includes('/chat')) await new Promise((r) => setTimeout(r, 20));
  }
  const entry = JSON.parse(text.trim().split('\n').pop()!) as Record<string, unknown>;
  t.match(entry, { RequestPath: '/chat', DownstreamStatus: 101, RouterName: 'ws@file', ServiceURL: backendUrl });

  const metrics = await (await fetch(gw.url('/metrics', 'switchyard'))).text();
  t.match(metrics, /switchyard_service_requests_total\{[^}]*code="101"[^}]*protocol="websocket"[^}]*service="ws@file"[^}]*\} 1/);
});
