import t, { type Test as TapTest } from 'tap';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { startBackend } from '../helpers/backends.js';
import { prepareCliFolder, spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';

// Two cold starts of the real command (a Node process loading every source) on a loaded machine: more than the default 120 s.
t.setTimeout(300_000);

/** Polls until `read()` passes `ok` (files and pipes are written asynchronously), with a generous deadline. */
async function until(what: string, read: () => Promise<string>, ok: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await read();
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`${what}; have: ${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readOrEmpty = (file: string) => () => readFile(file, 'utf8').catch(() => '');
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Starts the real `switchyard` command in a fresh folder with the given static configuration (entry points added). */
async function startCli(t: TapTest, staticConfig: Record<string, unknown>, dynamic: (backendUrl: string) => unknown) {
  const backend = await startBackend((_req, res) => res.end('ok'));
  const { dir, web, internal } = await prepareCliFolder('signal', { staticConfig, dynamic: dynamic(backend.url) });
  const gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
  t.teardown(async () => {
    gw.child.kill('SIGKILL');
    await gw.exited;
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });
  await waitForStatus(`http://127.0.0.1:${internal}/ready`, 200);
  const get = async (p: string) => (await fetch(`http://127.0.0.1:${web}${p}`)).text();
  return { gw, dir, get };
}

const dynamic = (url: string) => ({
  http: {
    routers: { app: { rule: 'PathPrefix(`/`)', service: 'app' }, broken: { rule: 'Host(`broken.test`)', service: 'nowhere' } },
    services: { app: { loadBalancer: { servers: [{ url }] } } },
  },
});

t.test('SIGUSR1 makes the access log and the process log reopen their files after logrotate moved them', async (t) => {
  const { gw, dir, get } = await startCli(
    t,
    { accessLog: { filePath: 'logs/access.log', format: 'json' }, log: { level: 'WARN', format: 'json', filePath: 'logs/switchyard.log' } },
    dynamic,
  );
  const access = path.join(dir, 'logs', 'access.log');
  const processLog = path.join(dir, 'logs', 'switchyard.log');
  await get('/before-rotation');
  await until('the first request is logged', readOrEmpty(access), (text) => text.includes('/before-rotation'));
  const first = await until('the broken router is logged', readOrEmpty(processLog), (text) => text.includes('broken@file'));
  const line = jsonLines(first).find((entry) => entry.router === 'broken@file');
  t.ok(line, 'the process log line names the router in a field');
  t.match(line, { level: 50, status: 'disabled', msg: /nowhere@file/ }, 'json format: numeric level, the error as the message');

  await rename(access, `${access}.1`);
  await rename(processLog, `${processLog}.1`);
  gw.child.kill('SIGUSR1');
  // The signal is handled asynchronously: keep sending until a request lands in a new file.
  let n = 0;
  await until('a request after SIGUSR1 reaches a new access.log', async () => {
    await get(`/after-rotation-${n++}`);
    return readOrEmpty(access)();
  }, (text) => text.includes('/after-rotation-'));
  const moved = await readFile(`${access}.1`, 'utf8');
  t.match(moved, /before-rotation/, 'the moved file keeps the old lines');
  const fresh = jsonLines(await readFile(access, 'utf8'));
  t.notOk(fresh.some((entry) => entry.RequestPath === '/before-rotation'), 'the new file starts empty of old lines');
  t.ok(fresh.every((entry) => typeof entry.RouterName === 'string'), 'json access lines still carry RouterName');

  // A new broken element writes a process log line: it goes to the new file.
  await writeFile(path.join(dir, 'dyn', 'more.yaml'), stringify({ http: { routers: { later: { rule: 'Host(`later.test`)', service: 'gone' } } } }));
  const reopened = await until('a new process log line goes to the new file', readOrEmpty(processLog), (text) => text.includes('later@file'));
  t.ok(jsonLines(reopened).some((entry) => entry.router === 'later@file'), 'it names the new router');
  t.notMatch(await readFile(`${processLog}.1`, 'utf8'), /later@file/, 'and not the moved file');
  t.equal(gw.child.exitCode, null, 'the gateway still runs');
});

t.test('without filePath access log lines and process log lines go to stdout', async (t) => {
  const { gw, get } = await startCli(t, { accessLog: { format: 'json' }, log: { level: 'ERROR', format: 'common' } }, dynamic);
  await get('/to-stdout');
  const out = await until('the access line reaches stdout', async () => gw.output(), (text) => text.includes('/to-stdout'));
  const lines = jsonLines(out);
  t.match(lines.find((entry) => entry.RequestPath === '/to-stdout'), { RouterName: 'app@file', DownstreamStatus: 200, level: 'info' });
  const broken = lines.find((entry) => entry.router === 'broken@file');
  t.match(broken, { level: 'ERROR', status: 'disabled' }, 'common format: upper-case level names');
  t.match(broken?.time, /^\d{4}-\d{2}-\d{2}T/, 'and ISO times');
});
