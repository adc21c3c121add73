import net from 'node:net';

/** What a client saw for one raw request: every status line in order (interim ones included) and the bytes. */
export interface Exchange {
  statuses: number[];
  /** Final (non-1xx, or 101) responses received: more than one means the gateway answered a request the client never sent. */
  finals: number;
  text: string;
}

/**
 * Sends raw bytes on a new connection and reads responses: after the first final response it waits
 * for the close the gateway announced, or briefly for any extra response a desynchronised
 * gateway would send.
 */
export function exchange(port: number, raw: Buffer | string, timeoutMs = 10_000): Promise<Exchange> {
  const head = Buffer.isBuffer(raw) ? raw.subarray(0, 5).toString('latin1') : raw.slice(0, 5);
  const isHead = head === 'HEAD ';
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(idle);
      socket.destroy();
      resolve({ ...parse(data, isHead, true), text: data.toString('latin1') });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const seen = parse(data, isHead, false);
      if (seen.finals === 0) return;
      if (seen.statuses.includes(101)) return finish();
      clearTimeout(idle);
      // Wait for the announced close; otherwise give an extra (smuggled) response a moment to show.
      if (!seen.closing) idle = setTimeout(finish, 150);
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(raw);
  });
}

function parse(data: Buffer, isHead: boolean, closed: boolean): { statuses: number[]; finals: number; closing: boolean } {
  const statuses: number[] = [];
  let finals = 0;
  let closing = false;
  let offset = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end < 0) break;
    const headText = data.subarray(offset, end).toString('latin1');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(headText);
    if (!status) break;
    const code = Number(status[1]);
    if ((code >= 100 && code < 200) || isHead || code === 204 || code === 304) {
      statuses.push(code);
      if (code >= 200 || code === 101) finals++;
      offset = end + 4;
      if (code === 101) break;
      continue;
    }
    const length = /\r\ncontent-length: *(\d+)/i.exec(headText);
    let next: number;
    if (length) next = end + 4 + Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/i.test(headText)) {
      const last = data.indexOf('0\r\n\r\n', end + 4);
      next = last < 0 ? Infinity : last + 5;
    } else next = Infinity; // read until close
    // A body without length runs to the close (RFC 9112 §6.3 rule 8).
    if (next === Infinity && closed) next = data.length;
    if (next > data.length) break;
    statuses.push(code);
    finals++;
    closing ||= /\r\nconnection: *close/i.test(headText);
    offset = next;
  }
  return { statuses, finals, closing };
}
