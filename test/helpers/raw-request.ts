import net from 'node:net';

/** Sends raw bytes and resolves with the first complete response (or, with `untilClose`, all until the server closes or `timeoutMs` passes). */
export async function rawRequest(port: number, bytes: string, timeoutMs = 2000, opts: { untilClose?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data);
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      // One complete response is enough: a body of the announced length, or a chunked terminator.
      const head = data.indexOf('\r\n\r\n');
      if (head < 0 || opts.untilClose) return;
      const length = /content-length: *(\d+)/i.exec(data.slice(0, head));
      if (length && data.length >= head + 4 + Number(length[1])) done();
      if (/transfer-encoding: *chunked/i.test(data.slice(0, head)) && data.endsWith('0\r\n\r\n')) done();
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(bytes, 'latin1');
  });
}

/** The status code of a raw HTTP response, or 0 when there is none. */
export function statusOf(response: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(response);
  return match ? Number(match[1]) : 0;
}
