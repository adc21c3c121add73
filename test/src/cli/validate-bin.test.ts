import t from 'tap';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnGateway } from '../../helpers/spawn-gateway.js';

// Each case starts the real command, a Node process loading every source: slow on a loaded machine.
t.setTimeout(300_000);

// `node bin/switchyard.js validate` as a user runs it (Traefik #9916): the real command, its output and exit code.
const STATIC = 'entryPoints:\n  web:\n    address: ":8000"\nproviders:\n  file:\n    directory: dyn\n';
const SERVICE = '  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:9000\n';

const cases: Array<{ name: string; files: Record<string, string>; code: number; output: RegExp[] }> = [
  {
    name: 'a valid static file with valid dynamic files exits 0',
    files: { 'switchyard.yaml': STATIC, 'dyn/app.yaml': `http:\n  routers:\n    app:\n      rule: Host(\`app.test\`)\n      service: app\n${SERVICE}` },
    code: 0,
    output: [/static configuration: ok/, /dynamic configuration: ok/],
  },
  {
    name: 'a bad key in a nested dynamic file exits 1 naming the file, the element and the key path',
    files: {
      'switchyard.yaml': STATIC,
      'dyn/ok.yaml': `http:\n${SERVICE}`,
      'dyn/team/bad.yaml': 'http:\n  services:\n    api:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:9001\n        healthCheck:\n          interval: soon\n',
    },
    code: 1,
    output: [/service "api@file" \(team\/bad\.yaml\): loadBalancer\.healthCheck\.interval/, /1 error/],
  },
  {
    name: 'a dynamic file that does not parse exits 1 with its name and line',
    files: { 'switchyard.yaml': STATIC, 'dyn/broken.toml': '[http.routers.a\nrule = 1\n' },
    code: 1,
    output: [/broken\.toml/, /line/],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-validate-bin-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(c.files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    const run = spawnGateway(['validate', '--configFile=switchyard.yaml'], dir);
    t.equal(await run.exited, c.code, 'exit code');
    for (const pattern of c.output) t.match(run.output(), pattern);
  });
}
