import t from 'tap';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validateCommand } from '../../../src/cli/validate.js';

// `switchyard validate` (Traefik #9916): every error names its file, element and key path; exit 1 on error.
async function validateTree(files: Record<string, string>, argv = ['--configFile=switchyard.yaml']) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-validate-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  const lines: string[] = [];
  const code = await validateCommand(argv, {}, dir, (line) => lines.push(line));
  await rm(dir, { recursive: true, force: true });
  return { code, output: lines.join('\n') };
}

const STATIC = 'entryPoints:\n  web:\n    address: ":8000"\nproviders:\n  file:\n    directory: dyn\n';

const cases: Array<{ name: string; files: Record<string, string>; code: number; output: RegExp[] }> = [
  {
    name: 'a valid configuration passes with exit 0',
    files: {
      'switchyard.yaml': STATIC,
      'dyn/app.yaml': 'http:\n  routers:\n    app:\n      rule: Host(`app.test`)\n      service: app\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:9000\n',
    },
    code: 0,
    output: [/static configuration: ok/, /dynamic configuration: ok \(1 routers, 1 services/],
  },
  {
    name: 'an unknown static key is reported with its path and a suggestion',
    files: { 'switchyard.yaml': 'entryPoints:\n  web:\n    adress: ":8000"\n' },
    code: 1,
    output: [/entryPoints\.web\.adress/, /address/],
  },
  {
    name: 'a static file that does not exist is reported',
    files: {},
    code: 1,
    output: [/switchyard\.yaml/],
  },
  {
    name: 'a dynamic file that does not parse is named with its line',
    files: { 'switchyard.yaml': STATIC, 'dyn/broken.yaml': 'http:\n  routers:\n    a: [unclosed\n' },
    code: 1,
    output: [/broken\.yaml/, /line/],
  },
  {
    name: 'an invalid element names its file, element and key',
    files: { 'switchyard.yaml': STATIC, 'dyn/bad.yaml': 'http:\n  routers:\n    api:\n      rule: Path(`/api`)\n' },
    code: 1,
    output: [/router "api@file"/, /bad\.yaml/, /service/],
  },
  {
    name: 'a rule that does not parse is reported with the router and file',
    files: {
      'switchyard.yaml': STATIC,
      'dyn/rule.yaml': 'http:\n  routers:\n    api:\n      rule: Path(`/api`) &&\n      service: api\n  services:\n    api:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:9000\n',
    },
    code: 1,
    output: [/router "api@file" \(rule\.yaml\): rule/],
  },
  {
    name: 'a router using an invalid service says the service is invalid, not missing',
    files: {
      'switchyard.yaml': STATIC,
      'dyn/inv.yaml': 'http:\n  routers:\n    api:\n      rule: Path(`/api`)\n      service: api\n  services:\n    api:\n      loadBalancer:\n        servers:\n          - url: ftp://x\n',
    },
    code: 1,
    output: [/service "api@file" \(inv\.yaml\): loadBalancer\.servers\[0\]\.url/, /service "api@file" is invalid \(see its own error\)/],
  },
  {
    name: 'references to missing services, middlewares and entry points are reported',
    files: {
      'switchyard.yaml': STATIC,
      'dyn/refs.yaml': 'http:\n  routers:\n    api:\n      rule: Path(`/api`)\n      service: nowhere\n      middlewares: [ghost]\n      entryPoints: [websecure]\n',
    },
    code: 1,
    output: [/service "nowhere@file" does not exist/, /middleware "ghost@file" does not exist/, /entry point "websecure" does not exist/, /3 errors/],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { code, output } = await validateTree(c.files);
    t.equal(code, c.code, 'exit code');
    for (const pattern of c.output) t.match(output, pattern);
  });
}
