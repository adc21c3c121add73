// Backend of bench/streaming.sh: GET /download streams a generated body of the given size (never held in
// memory: one 64 KiB chunk written again and again, with backpressure); PUT or POST /upload counts the
// bytes of the request body, discards them and answers the count.
// Usage: node bench/streaming.ts <port> <bytes>
import { createServer } from 'node:http';

const [portArg = '0', sizeArg = String(2 ** 30)] = process.argv.slice(2);
const size = Number(sizeArg);
const chunk = Buffer.alloc(64 * 1024, 'switchyard streaming bench\n');

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/download') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    let left = size;
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => (left = 0));
    pump();
    return;
  }
  if ((req.method === 'PUT' || req.method === 'POST') && req.url === '/upload') {
    let bytes = 0;
    req.on('data', (data: Buffer) => (bytes += data.length));
    req.on('end', () => {
      const body = `${bytes}\n`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
      res.end(body);
    });
    return;
  }
  res.writeHead(req.url === '/' ? 200 : 404, { 'content-length': '3' });
  res.end('ok\n');
});
server.listen(Number(portArg), '127.0.0.1');
