import { readFileSync } from 'node:fs';
import net from 'node:net';

// Ports the kernel never hands out by itself: below the ephemeral range that `listen(0)` and every outgoing
// connection's local port come from. A port chosen there for a process started later (Pebble, etcd, a
// spawned gateway) cannot be taken meanwhile by a parallel test's connection, only by another pick here.
const LOWEST = 15_000;
const EPHEMERAL_START = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
})();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago, for processes that must be told their port up front. */
export async function freePort(): Promise<number> {
  if (EPHEMERAL_START - LOWEST >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = LOWEST + Math.floor(Math.random() * (EPHEMERAL_START - LOWEST));
      if (await bindable(port)) return port;
    }
  }
  // No room below the ephemeral range (or all tried were taken): the kernel's choice.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
