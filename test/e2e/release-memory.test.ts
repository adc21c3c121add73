import t from 'tap';
import { rm, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { prepareCliFolder, spawnGateway, waitForStatus } from '../helpers/spawn-gateway.js';

const MESSAGE = 'memory freed by configuration changes given back to the system';

// 3,000 routers: big enough for the file to go through the parsing thread, and for a reload to leave
// tens of megabytes of freed pages behind.
const routers = (generation: number): Record<string, unknown> => {
  const list: Record<string, unknown> = {};
  for (let i = 0; i < 3000; i++) list[`r${i}`] = { rule: `Host(\`h${i}.test\`)`, service: 'app' };
  list[`gen${generation}`] = { rule: `Path(\`/generation-${generation}\`)`, service: 'app' };
  return { http: { routers: list, services: { app: { loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] } } } } };
};

const released = (output: string): Array<{ rssBeforeMB: number; rssAfterMB: number; ms: number }> =>
  output
    .split('\n')
    .filter((line) => line.includes(MESSAGE))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))));

const cases: Array<[string, string, boolean]> = [
  ['released a moment after each burst of reloads', '300ms', true],
  ['kept when releaseAfterReload is 0', '0s', false],
];
for (const [name, releaseAfterReload, expected] of cases) {
  t.test(`memory freed by a reload is ${name}`, async (t) => {
    const { dir, web } = await prepareCliFolder('release-memory', {
      dynamic: routers(0),
      staticConfig: { log: { level: 'DEBUG', format: 'json' }, memory: { releaseAfterReload } },
    });
    const gw = spawnGateway(['--configFile=switchyard.yaml'], dir);
    t.teardown(async () => {
      gw.child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    });
    await waitForStatus(`http://127.0.0.1:${web}/generation-0`, 502);
    for (const generation of [1, 2]) {
      const file = path.join(dir, 'dyn', 'app.yaml');
      await writeFile(`${file}.tmp`, stringify(routers(generation)));
      await rename(`${file}.tmp`, file);
      await waitForStatus(`http://127.0.0.1:${web}/generation-${generation}`, 502);
    }
    const seenBefore = released(gw.output()).length;
    // Past the delay, plus the time a collection takes on a loaded machine.
    const deadline = Date.now() + (expected ? 30_000 : 1500);
    while (released(gw.output()).length === seenBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const lines = released(gw.output());
    if (!expected) return void t.same(lines, [], 'no release logged');
    t.ok(lines.length > seenBefore, 'a release after the last reload is logged');
    const last = lines.at(-1)!;
    t.ok(last.rssAfterMB < last.rssBeforeMB, `resident memory ${last.rssBeforeMB} → ${last.rssAfterMB} MB`);
    t.ok(last.ms >= 0, 'the time it took is given');
  });
}
