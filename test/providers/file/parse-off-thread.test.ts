import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import t, { type Test } from 'tap';
import { createFileProvider } from '../../../providers/file/file-provider.js';
import { parseConfigFile } from '../../../providers/file/parse-file.js';
import { createFileParser } from '../../../providers/file/parse-off-thread.js';
import { silentLogger } from '../../../src/log.js';
import type { ProviderSnapshot } from '../../../src/provider/provider.js';
import { readSnapshots } from '../../helpers/snapshot-reader.js';

function capture() {
  const lines: Array<{ msg: string }> = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) }), lines };
}

// What the thread answers must be what the main thread answers: values, errors with positions, aliases.
const texts: Array<[string, string, string]> = [
  ['a routers file', 'r.yaml', 'http:\n  routers:\n    web: { rule: "Host(`a.test`) && Path(`/x`)", service: s, priority: 7 }\n'],
  ['special numbers and a __proto__ key', 'n.yaml', 'a: .inf\nb: -.inf\nc: .nan\nd: -0\ne: 0x1F\n__proto__: { polluted: true }\n'],
  ['an alias repeating a mapping (read by `yaml`)', 'a.yml', 'base: &b { url: "http://x" }\nother: *b\n'],
  ['a tag and a document marker (read by `yaml`)', 't.yaml', '---\na: !!str 12\n'],
  ['bad indentation, with line and column', 'bad.yaml', 'http:\n  routers:\n    a: 1\n   b: 2\n'],
  ['a duplicated key', 'dup.yaml', 'http: {}\nhttp: {}\n'],
  ['a list at the top level', 'l.yaml', '- a\n- b\n'],
  ['only comments', 'c.yaml', '# nothing yet\n'],
  ['a byte order mark', 'bom.yaml', '\uFEFFhttp: {}\n'],
  ['many alias expansions are refused as on the main thread', 'bomb.yaml', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: [${Array(10).fill('*b').join(', ')}]\n`],
];

// A parser whose thread is ready: every YAML text goes to it.
async function readyParser(t: Test) {
  const parser = createFileParser({ log: silentLogger, offThreadChars: 0 });
  t.teardown(() => parser.close());
  t.equal(await parser.ready(), true, 'the thread started');
  return parser;
}

t.test('every text parses on the thread exactly as on the main thread', async (t) => {
  const parser = await readyParser(t);
  for (const [name, file, text] of texts) {
    const before = parser.parsedOnThread();
    const answer = await parser.parse(file, text);
    t.equal(parser.parsedOnThread(), before + 1, `${name}: parsed on the thread`);
    t.strictSame(answer, parseConfigFile(file, text), name);
  }
});

t.test('an alias that repeats a mapping arrives as one object twice, as `yaml` reads it', async (t) => {
  const parser = await readyParser(t);
  const answer = await parser.parse('a.yaml', 'base: &b { url: "http://x" }\nother: *b\n');
  if (!answer.ok) return t.fail(answer.message);
  t.equal(parser.parsedOnThread(), 1);
  t.equal(answer.value.base, answer.value.other);
});

// A file parsed again arrives as its changes against the value held for it: unchanged elements are the
// objects answered before, and the value is what parsing it here gives.
const routersText = (n: number, changed = -1, extra = '') =>
  `http:\n  routers:\n${Array.from({ length: n }, (_, i) => `    r${i}: { rule: "Host(\`h${i}${i === changed ? '-new' : ''}.test\`)", service: s }\n`).join('')}${extra}`;

t.test('a file parsed again on the thread keeps its unchanged elements as the same frozen objects', async (t) => {
  const parser = await readyParser(t);
  const routersOf = (answer: Awaited<ReturnType<typeof parser.parse>>) => (answer.ok ? (answer.value.http as { routers: Record<string, object> }).routers : {});
  const first = await parser.parse('big.yaml', routersText(200));
  t.ok(first.ok && Object.isFrozen(first.value) && Object.isFrozen(routersOf(first).r0), 'frozen');
  const steps: Array<[string, string]> = [
    ['one router changed', routersText(200, 17)],
    ['the same text again', routersText(200, 17)],
    ['a router added', routersText(200, 17, '    extra: { rule: "Path(`/e`)", service: s }\n')],
    ['a broken text (the last good value stays the base)', 'http:\n  routers:\n    a: 1\n   b: 2\n'],
    ['one router changed back', routersText(200)],
  ];
  let before = first;
  for (const [name, text] of steps) {
    const answer = await parser.parse('big.yaml', text);
    t.strictSame(answer, parseConfigFile('big.yaml', text), `${name}: as parsed here`);
    if (!answer.ok) continue;
    t.strictSame(Object.keys(routersOf(answer)), Object.keys(routersOf(parseConfigFile('big.yaml', text))), `${name}: keys in order`);
    const earlier = routersOf(before);
    const now = routersOf(answer);
    const kept = Object.keys(now).filter((key) => now[key] === earlier[key]).length;
    const equal = Object.keys(now).filter((key) => JSON.stringify(now[key]) === JSON.stringify(earlier[key])).length;
    t.equal(kept, equal, `${name}: every unchanged router is the object answered before (${kept})`);
    before = answer;
  }
  t.equal(parser.parsedOnThread(), steps.length + 1);
});

t.test('a file forgotten, or parsed here meanwhile, is answered whole and still right', async (t) => {
  const parser = await readyParser(t);
  await parser.parse('a.yaml', routersText(3));
  parser.forget('a.yaml');
  const again = await parser.parse('a.yaml', routersText(3, 1));
  t.strictSame(again, parseConfigFile('a.yaml', routersText(3, 1)), 'after forgetting');
  // A second parser shares nothing with the first: each thread's values are its own.
  const other = await readyParser(t);
  t.strictSame(await other.parse('a.yaml', routersText(3, 2)), parseConfigFile('a.yaml', routersText(3, 2)));
  t.strictSame(await parser.parse('a.yaml', routersText(3, 2)), parseConfigFile('a.yaml', routersText(3, 2)), 'the first one still patches its own');
});

const stayHere: Array<[string, string, string, number]> = [
  ['a text shorter than the limit', 'small.yaml', 'http: {}\n', 1_000],
  ['a TOML file (its dates would lose their type on the way)', 'big.toml', 'a = 1979-05-27T07:32:00Z\n', 0],
  ['a JSON file (JSON.parse is fast enough)', 'big.json', '{"http":{}}', 0],
];
for (const [name, file, text, limit] of stayHere) {
  t.test(`${name} is parsed on the calling thread`, async (t) => {
    const parser = createFileParser({ log: silentLogger, offThreadChars: limit });
    t.teardown(() => parser.close());
    t.equal(await parser.ready(), true);
    t.strictSame(await parser.parse(file, text), parseConfigFile(file, text));
    t.equal(parser.parsedOnThread(), 0);
  });
}

t.test('the first big file starts the thread and is parsed here meanwhile; the next goes to the thread', async (t) => {
  const parser = createFileParser({ log: silentLogger, offThreadChars: 0 });
  t.teardown(() => parser.close());
  t.strictSame(await parser.parse('a.yaml', 'a: 1\n'), { ok: true, value: { a: 1 } });
  t.equal(parser.parsedOnThread(), 0, 'not waiting for the thread to load');
  t.equal(await parser.ready(), true);
  t.strictSame(await parser.parse('b.yaml', 'b: 2\n'), { ok: true, value: { b: 2 } });
  t.strictSame(await parser.parse('c.yaml', 'c: 3\n'), { ok: true, value: { c: 3 } });
  t.equal(parser.parsedOnThread(), 2, 'one thread answers every later parse');
  await parser.close();
  t.strictSame(await parser.parse('d.yaml', 'd: 4\n'), { ok: true, value: { d: 4 } }, 'after close, parses run here');
  t.equal(parser.parsedOnThread(), 2);
});

// A thread that cannot start, or dies holding requests: the parses are done here and nothing is lost.
const broken: Array<[string, string, boolean]> = [
  ['a thread whose entry point throws', "throw new Error('cannot start');\n", false],
  ['a thread that exits on its first request', "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\nparentPort.postMessage({ ready: true });\n", true],
];
for (const [name, source, readies] of broken) {
  t.test(`${name}: pending and later parses run on the calling thread, with one warning`, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-parse-thread-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, 'entry.mjs'), source);
    const { log, lines } = capture();
    const parser = createFileParser({ log, offThreadChars: 0, threadEntry: pathToFileURL(path.join(dir, 'entry.mjs')) });
    t.teardown(() => parser.close());
    t.equal(await parser.ready(), readies);
    const [first, second] = await Promise.all([parser.parse('a.yaml', 'a: 1\n'), parser.parse('b.yaml', 'b: [\n')]);
    t.strictSame(first, { ok: true, value: { a: 1 } });
    t.strictSame(second, parseConfigFile('b.yaml', 'b: [\n'));
    t.strictSame(await parser.parse('c.yaml', 'c: 3\n'), { ok: true, value: { c: 3 } });
    t.equal(await parser.ready(), false, 'the thread is not started again');
    t.equal(parser.parsedOnThread(), 0);
    t.equal(lines.filter((line) => /parsing thread stopped/.test(line.msg)).length, 1, 'warned once');
  });
}

// A gateway exits on its own when it is done: an idle parsing thread, still loading or done parsing,
// must not keep its process alive.
const idle: Array<[string, string[], string]> = [
  ['started by a big file and left loading', [], '{"ok":true,"value":{"a":1}} 0'],
  ['having answered a parse', ['if (!(await parser.ready())) throw new Error("no thread");'], '{"ok":true,"value":{"a":1}} 1'],
];
for (const [name, before, expected] of idle) {
  t.test(`a parsing thread ${name} does not keep the process alive`, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-parse-thread-exit-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const script = path.join(dir, 'child.mjs');
    const url = (rel: string) => JSON.stringify(new URL(rel, import.meta.url).href);
    const lines = [
      `await import(${url('../../../bin/typescript.js')});`,
      `const { createFileParser } = await import(${url('../../../providers/file/parse-off-thread.ts')});`,
      `const parser = createFileParser({ log: { warn: console.error, info: () => {} }, offThreadChars: 0 });`,
      ...before,
      `console.log(JSON.stringify(await parser.parse('a.yaml', 'a: 1')), parser.parsedOnThread());`,
    ];
    await writeFile(script, lines.join('\n'));
    // With this process's flags (a test runner's loaders among them), as a gateway started the same way.
    const child = spawn(process.execPath, [...process.execArgv, script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill(), 20_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    t.equal(code, 0, 'exited by itself, without being killed');
    t.equal(out.trim(), expected);
  });
}

t.test('a watching file provider reads big files through the thread and keeps the last good one', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sy-parse-thread-watch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'dynamic.yaml');
  const put = async (text: string) => {
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  };
  const routers = (host: string) => `http:\n  routers:\n    web: { rule: "Host(\`${host}\`)", service: s }\n`;
  await put(routers('one.test'));
  const provider = createFileProvider({ path: file, mode: 'filename', watch: true, log: silentLogger, debounceMs: 20, offThreadChars: 0 });
  const { until } = readSnapshots(t, provider);
  const rule = (s: ProviderSnapshot) => s.config.http?.routers?.web?.rule;
  await until('the first file is read', (s) => rule(s) === 'Host(`one.test`)');
  await put(routers('two.test'));
  await until('the change is read', (s) => rule(s) === 'Host(`two.test`)');
  await put('http:\n  routers:\n    a: 1\n   b: 2\n');
  const broken = await until('the broken file is reported', (s) => s.errors.length > 0);
  t.equal(rule(broken), 'Host(`two.test`)', 'the last good content stays');
  t.match(broken.errors, [/^dynamic\.yaml: line 4, column \d+: /]);
});
