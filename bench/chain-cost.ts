// Summarises a .cpuprofile from `bench/chain-cost.sh ... profile`: the share of samples per function
// (self time) and per call subtree (inclusive, each function counted once per sample), for the
// project's own files and the main runtime buckets, the inclusive share of each middleware's files, and
// each sample given to the innermost project file on its stack ("owned": what a file costs with the Node
// and library work it called, the clearest split between middlewares and the forwarder).
// Only the last [seconds] of samples are counted (the measured wrk run; start-up, lazy loading and the
// warm-up are left out).
// The gateway runs its sources with Node's own type stripping, which keeps every line where it was, so
// a profile's line numbers are the source's.
// Given the requests served and the CPU time the process used in that window, each row also gives CPU
// microseconds per request: the row's share of the non-idle samples times the CPU time per request.
// Usage: node bench/chain-cost.ts <file.cpuprofile> <seconds> [requests cpu-microseconds] [rows]
import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, secondsArg, requestsArg = '0', cpuArg = '0', rowsArg = '30'] = process.argv.slice(2);
if (!file || !secondsArg) throw new Error('usage: chain-cost.ts <file.cpuprofile> <seconds> [requests cpu-microseconds] [rows]');
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const root = process.cwd();

const parent = new Map<number, number>();
const byId = new Map<number, ProfileNode>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}

const labels = new Map<CallFrame, string>();
/** A function as `name file:line`, with the repository root cut from project paths. */
function label(frame: CallFrame): string {
  let text = labels.get(frame);
  if (text) return text;
  const url = frame.url.replace(/^file:\/\//, '').replace(`${root}/`, '');
  const name = frame.functionName || '(anonymous)';
  const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url;
  text = url ? `${name} ${short}:${frame.lineNumber + 1}` : name;
  labels.set(frame, text);
  return text;
}

/** The middleware a project file belongs to, for the per-middleware table. */
function middlewareOf(frame: CallFrame): string | undefined {
  const m = /\/middlewares\/([^/]+?)(?:\.ts$|\/)/.exec(frame.url);
  return m?.[1];
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const perMiddleware = new Map<string, number>();
const perFile = new Map<string, number>();
const from = profile.endTime - Number(secondsArg) * 1e6;
let total = 0;
let left = 0;
let at = profile.startTime;
let idle = 0;
for (const [i, id] of profile.samples.entries()) {
  at += profile.timeDeltas[i] ?? 0;
  if (at < from) {
    left++;
    continue;
  }
  const leaf = byId.get(id);
  if (!leaf) continue;
  total++;
  const key = label(leaf.callFrame);
  if (key === '(idle)') idle++;
  self.set(key, (self.get(key) ?? 0) + 1);
  const seen = new Set<string>();
  const seenMw = new Set<string>();
  let owner: string | undefined;
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)!.callFrame;
    const k = label(frame);
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + 1);
    }
    if (owner === undefined && frame.url.startsWith('file:') && !frame.url.includes('/node_modules/')) {
      owner = frame.url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    }
    const mw = middlewareOf(frame);
    if (mw && !seenMw.has(mw)) {
      seenMw.add(mw);
      perMiddleware.set(mw, (perMiddleware.get(mw) ?? 0) + 1);
    }
  }
  // The innermost project file on the stack owns the sample, with the Node and library work it called.
  const ownerKey = key === '(idle)' || key === '(garbage collector)' ? key : (owner ?? '(Node and libraries, no project frame on the stack)');
  perFile.set(ownerKey, (perFile.get(ownerKey) ?? 0) + 1);
}

const requests = Number(requestsArg);
const cpuPerRequest = requests > 0 ? Number(cpuArg) / requests : 0;
/** The share of the window's samples, and with requests and CPU time the CPU microseconds per request. */
const pct = (n: number, key = ''): string =>
  `${((100 * n) / total).toFixed(1)}%${cpuPerRequest > 0 ? ` | ${key === '(idle)' ? '' : ((n / (total - idle)) * cpuPerRequest).toFixed(1)}` : ''}`;
const us = cpuPerRequest > 0 ? ' | CPU µs / request' : '';
const rule = cpuPerRequest > 0 ? ' ---: |' : '';
const rows = Number(rowsArg);
const top = (map: Map<string, number>, filter: (k: string) => boolean): [string, number][] =>
  [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, rows);
const ours = (k: string): boolean => / (src|middlewares|providers)\//.test(k);

console.log(
  `# ${total} samples in the last ${secondsArg} s (${left} earlier samples left out)` +
    (cpuPerRequest > 0 ? `, ${requests} requests, ${cpuPerRequest.toFixed(0)} CPU µs per request (profiler running)` : ''),
);
console.log(`\n| inclusive${us} | middleware files (middlewares/<name>; inclusive of what they call, the next handler too) |\n| ---: |${rule} --- |`);
for (const [k, n] of [...perMiddleware].sort((a, b) => b[1] - a[1])) console.log(`| ${pct(n)} | ${k} |`);
console.log(`\n| owned${us} | innermost project file (with the Node and library work it called) |\n| ---: |${rule} --- |`);
for (const [k, n] of top(perFile, () => true)) console.log(`| ${pct(n, k)} | ${k} |`);
console.log(`\n| self${us} | function (all) |\n| ---: |${rule} --- |`);
for (const [k, n] of top(self, () => true)) console.log(`| ${pct(n, k)} | \`${k}\` |`);
console.log(`\n| self${us} | function (project files) |\n| ---: |${rule} --- |`);
for (const [k, n] of top(self, ours)) console.log(`| ${pct(n)} | \`${k}\` |`);
console.log(`\n| inclusive${us} | function (project files) |\n| ---: |${rule} --- |`);
for (const [k, n] of top(inclusive, ours)) console.log(`| ${pct(n)} | \`${k}\` |`);
