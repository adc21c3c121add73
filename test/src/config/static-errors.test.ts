import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadStaticConfig, StaticConfigError } from '../../../src/config/static-load.js';
import { SwitchyardError } from '../../../src/errors.js';

const dirs: string[] = [];
const made = async (dir: Promise<string>) => {
  dirs.push(await dir);
  return dirs.at(-1)!;
};
t.teardown(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function problemsOf(files: Record<string, string>, argv: string[] = [], env: Record<string, string> = {}): Promise<string[]> {
  const cwd = await made(mkdtemp(path.join(os.tmpdir(), 'sy-static-')));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(cwd, name), text);
  try {
    await loadStaticConfig({ argv, env, cwd, searchDirs: ['.'] });
  } catch (error) {
    if (error instanceof StaticConfigError) return error.problems;
    throw error;
  }
  return [];
}

const yaml = (text: string) => ({ 'switchyard.yaml': text });

const cases: Array<[string, Record<string, string>, string[], Record<string, string>, string[]]> = [
  ['an unknown key names the file and suggests the known key', yaml('entryPoints:\n  web:\n    address: ":80"\n    adress: ":81"\n'), [], {}, ['switchyard.yaml: entryPoints.web.adress is not allowed (unknown key), did you mean address?']],
  ['an unknown top-level key is reported', yaml('pingg: {}\n'), [], {}, ['switchyard.yaml: pingg is not allowed (unknown key), did you mean ping?']],
  ['a wrong type names the key path', yaml('entryPoints:\n  web:\n    address: 80\n'), [], {}, ['switchyard.yaml: entryPoints.web.address must be string']],
  ['a missing address is required', yaml('entryPoints:\n  web:\n    asDefault: true\n'), [], {}, ['switchyard.yaml: entryPoints.web.address is required']],
  ['an address without a port is rejected', yaml('entryPoints:\n  web:\n    address: "localhost"\n'), [], {}, ['switchyard.yaml: entryPoints.web.address must be [host]:port, optionally followed by /tcp or /udp (e.g. :80, 127.0.0.1:8080, [::1]:443)']],
  ['a bad duration is rejected', yaml('entryPoints:\n  web:\n    address: ":80"\n    transport:\n      respondingTimeouts:\n        readTimeout: 10x\n'), [], {}, ['switchyard.yaml: entryPoints.web.transport.respondingTimeouts.readTimeout must be a duration such as 10s, 1m30s or 250ms, or a number of seconds']],
  ['a bad throttle duration is rejected', yaml('providers:\n  providersThrottleDuration: soon\n'), [], {}, ['switchyard.yaml: providers.providersThrottleDuration must be a duration such as 10s, 1m30s or 250ms, or a number of seconds']],
  ['filename and directory together are rejected', yaml('providers:\n  file:\n    filename: a.yaml\n    directory: dyn\n'), [], {}, ['switchyard.yaml: providers.file must set exactly one of filename or directory (both are set)']],
  ['a file provider without filename or directory is rejected', yaml('providers:\n  file:\n    watch: false\n'), [], {}, ['switchyard.yaml: providers.file must set exactly one of filename or directory (neither is set)']],
  ['a bad log level lists the levels', yaml('log:\n  level: LOUD\n'), [], {}, ['switchyard.yaml: log.level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC (any case)']],
  ['a bad log format lists the formats', yaml('log:\n  format: xml\n'), [], {}, ['switchyard.yaml: log.format must be one of "common", "json"']],
  ['a ping status code outside HTTP range is rejected', yaml('ping:\n  terminatingStatusCode: 42\n'), [], {}, ['switchyard.yaml: ping.terminatingStatusCode must be >= 100']],
  ['a redirection to an undefined entry point is rejected', yaml('entryPoints:\n  web:\n    address: ":80"\n    http:\n      redirections:\n        entryPoint:\n          to: websecure\n'), [], {}, ['switchyard.yaml: entryPoints.web.http.redirections.entryPoint.to names entry point "websecure", which is not defined (defined: web)']],
  ['trusted IPs that are not addresses or ranges are each rejected, naming the entry', yaml('entryPoints:\n  web:\n    address: ":80"\n    forwardedHeaders:\n      trustedIPs: ["10.0.0.1", "10.0.0.0/", "proxy.internal"]\n'), [], {}, ['switchyard.yaml: entryPoints.web.forwardedHeaders.trustedIPs[1]: "10.0.0.0/" is not an IP address or CIDR range', 'switchyard.yaml: entryPoints.web.forwardedHeaders.trustedIPs[2]: "proxy.internal" is not an IP address or CIDR range']],
  ['a trusted IPs flag with a bad entry names the flag', {}, ['--entrypoints.web.address=:80', '--entrypoints.web.forwardedHeaders.trustedIPs=10.0.0.0/8,10.1.0.0/33'], {}, ['flag --entrypoints.web.forwardedHeaders.trustedIPs: entryPoints.web.forwardedHeaders.trustedIPs[1]: "10.1.0.0/33" is not an IP address or CIDR range']],
  ['a redirection to itself is rejected', yaml('entryPoints:\n  web:\n    address: ":80"\n    http:\n      redirections:\n        entryPoint:\n          to: web\n'), [], {}, ['switchyard.yaml: entryPoints.web.http.redirections.entryPoint.to redirects the entry point to itself']],
  ['ping on an undefined entry point is rejected', yaml('ping:\n  entryPoint: admin\n'), [], {}, ['switchyard.yaml: ping.entryPoint names entry point "admin", which is not defined (defined: http)']],
  ['api.insecure with a custom basePath is rejected', yaml('api:\n  insecure: true\n  basePath: /admin\n'), [], {}, ['switchyard.yaml: api.basePath cannot be changed when api.insecure is set']],
  ['every problem is listed, not only the first', yaml('log:\n  level: LOUD\nentryPoints:\n  web: {}\n'), [], {}, ['switchyard.yaml: entryPoints.web.address is required', 'switchyard.yaml: log.level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC (any case)']],
  ['a flag error names the flag', {}, ['--entrypoints.web.address=80'], {}, ['flag --entrypoints.web.address: entryPoints.web.address must be [host]:port, optionally followed by /tcp or /udp (e.g. :80, 127.0.0.1:8080, [::1]:443)']],
  ['an unknown flag suggests the known key', {}, ['--entrypoints.web.address=:80', '--entrypoints.web.adress=:81'], {}, ['flag --entrypoints.web.adress: entryPoints.web.adress is not allowed (unknown key), did you mean address?']],
  ['a flag that creates an entry point without address is blamed for it', {}, ['--entrypoints.web.asDefault'], {}, ['flag --entrypoints.web.asDefault: entryPoints.web.address is required']],
  ['a non-number for an integer flag is rejected', {}, ['--ping.terminatingStatusCode=soon'], {}, ['flag --ping.terminatingStatusCode: ping.terminatingStatusCode must be integer']],
  ['a non-boolean for a boolean flag is rejected', {}, ['--api.insecure=yes'], {}, ['flag --api.insecure: api.insecure must be boolean']],
  ['a string flag without a value is rejected', {}, ['--log.level'], {}, ['flag --log.level: needs a value (--log.level=VALUE)']],
  ['a positional argument is rejected', {}, ['serve'], {}, ['argument "serve": not a flag (flags look like --entryPoints.web.address=:80)']],
  ['a malformed flag name is rejected', {}, ['--entrypoints..address=:80'], {}, ['flag --entrypoints..address: malformed name (use dotted keys and [n] list indexes)']],
  ['an env error names the variable', {}, [], { SWITCHYARD_LOG_LEVEL: 'LOUD' }, ['env SWITCHYARD_LOG_LEVEL: log.level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC (any case)']],
  ['an unknown env variable is rejected', {}, [], { SWITCHYARD_PINGG: 'true' }, ['env SWITCHYARD_PINGG: pingg is not allowed (unknown key), did you mean ping?']],
  ['a malformed env name is rejected', {}, [], { SWITCHYARD_LOG__LEVEL: 'INFO' }, ['env SWITCHYARD_LOG__LEVEL: malformed name (segments are separated by a single _)']],
  ['a file value is blamed on the file even when a flag enables its section', yaml('ping:\n  entryPoint: nowhere\n'), ['--ping'], {}, ['switchyard.yaml: ping.entryPoint names entry point "nowhere", which is not defined (defined: http)']],
];
for (const [name, files, argv, env, expected] of cases) {
  t.test(name, async (t) => {
    t.same(await problemsOf(files, argv, env), expected);
  });
}

t.test('the error carries SY_ERR_STATIC_INVALID and lists problems in its message', async (t) => {
  const cwd = await made(mkdtemp(path.join(os.tmpdir(), 'sy-static-')));
  const error = await loadStaticConfig({ argv: ['--log.level=LOUD', '--api.insecure=maybe'], env: {}, cwd, searchDirs: ['.'] }).catch((e: unknown) => e);
  t.ok(error instanceof SwitchyardError);
  t.equal((error as SwitchyardError).code, 'SY_ERR_STATIC_INVALID');
  t.match((error as Error).message, /^invalid static configuration \(2 problems\):\n {2}- flag --log\.level: log\.level must be one of .*\n {2}- flag --api\.insecure: api\.insecure must be boolean$/);
});
