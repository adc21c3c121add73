// Sampled allocations per request of a running Node process, collected objects included, by the
// function that allocated them. It drives the process's inspector (started with --inspect) while wrk
// loads it. Usage: node bench/allocations.mjs <inspector-port> <seconds> <url> [top]
import { execFileSync } from 'node:child_process';

const [port, seconds, url, top = '30'] = process.argv.slice(2);
const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});
let lastId = 0;
const waiting = new Map();
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  waiting.get(message.id)?.(message.result);
  waiting.delete(message.id);
};
const call = (method, params = {}) =>
  new Promise((resolve) => {
    const id = ++lastId;
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

await call('HeapProfiler.enable');
// Without the two flags V8 reports only what is still alive; per-request garbage is what matters here.
await call('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const report = execFileSync('wrk', ['-t1', '-c50', `-d${seconds}s`, url]).toString();
const requests = Number(/(\d+) requests in/.exec(report)[1]);
const { profile } = await call('HeapProfiler.stopSampling');
socket.close();

const bytes = new Map();
let total = 0;
const visit = (node) => {
  const { functionName, url: file, lineNumber } = node.callFrame;
  const where = `${functionName || '(anonymous)'} ${file.split('/').pop()}:${lineNumber + 1}`;
  bytes.set(where, (bytes.get(where) ?? 0) + node.selfSize);
  total += node.selfSize;
  node.children.forEach(visit);
};
visit(profile.head);
console.log(`| ${requests} requests | ${(total / requests).toFixed(0)} bytes / request |`);
console.log('| ---: | --- |');
for (const [where, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`| ${(size / requests).toFixed(0)} | \`${where}\` |`);
}
