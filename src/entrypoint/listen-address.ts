/** Splits an entry point address `[host]:port[/tcp]` into what `server.listen` takes. */
export function parseAddress(address: string): { host?: string; port: number } {
  const withoutProto = address.replace(/\/(tcp|udp)$/i, '');
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(withoutProto);
  if (!match) throw new Error(`address "${address}" must be [host]:port`);
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`address "${address}" has a port above 65535`);
  const host = match[1] ?? match[2];
  return host ? { host, port } : { port };
}
