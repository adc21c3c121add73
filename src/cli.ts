import { readFileSync } from 'node:fs';
import { loadStaticConfig, StaticConfigError } from './config/static-load.js';
import { startGateway } from './gateway.js';
import { createLogger } from './log.js';
import { validateCommand } from './cli/validate.js';
import { staticBaseDir } from './cli/base-dir.js';
import { builtinProviderSchemas } from './builtins.js';
import { takePidFileFlag, upgradeCommand } from './upgrade/command.js';
import { removePidFile, writePidFile } from './upgrade/pid-file.js';
import { onUpgradeSignal } from './upgrade/signal.js';
import { reportFailed, reportReady, startedByUpgrade, takeOverListeners } from './upgrade/take-over.js';
import cluster from 'node:cluster';
import { runWorkerMode } from './workers/run.js';
import { runWorker } from './workers/worker.js';

const USAGE = `Usage:
  switchyard [--configFile=FILE] [--key.path=value ...]   run the gateway
             [--pidFile=FILE]                             write the pid there (for \`switchyard upgrade\`)
  switchyard upgrade --pidFile=FILE [--timeout=SECONDS]  hand the sockets to a new process, drain the old one
  switchyard validate [--configFile=FILE] [...]          check the static configuration and its dynamic files offline
  switchyard healthcheck [--configFile=FILE] [...]       exit 0 when /ping answers 200
  switchyard version                                     print the version

Static configuration comes from a file (switchyard.yaml|yml|toml in the working directory or /etc/switchyard/),
SWITCHYARD_* environment variables and --flags; later sources override single keys of earlier ones.`;

/** The version from package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the `switchyard` command; resolves to the process exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'validate') return validateCommand(rest, env, cwd, (line) => console.log(line));
  if (command === 'version') {
    console.log(version());
    return 0;
  }
  if (command === 'healthcheck') return healthcheck(rest, env, cwd);
  if (command === 'upgrade') return upgradeCommand(rest, (line) => console.log(line));
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  return run(argv, env, cwd);
}

async function run(fullArgv: string[], env: Record<string, string | undefined>, cwd: string): Promise<number> {
  const { pidFile, rest: argv } = takePidFileFlag(fullArgv);
  // Started by an upgrade (SIGUSR2 to the running process): take its sockets over instead of binding.
  const byUpgrade = startedByUpgrade();
  let loaded;
  try {
    loaded = await loadStaticConfig({ argv, env, cwd, providerSchemas: builtinProviderSchemas() });
  } catch (error) {
    console.error(error instanceof StaticConfigError ? error.message : `switchyard: ${(error as Error).message}`);
    return 1;
  }
  const log = createLogger(loaded.config.log);
  // Worker mode (src/workers/): the forked workers re-run this command and load the same static configuration.
  if (loaded.config.workers > 1 && cluster.isWorker) return runWorker({ config: loaded.config, baseDir: staticBaseDir(loaded.file, cwd), log });
  if (loaded.config.workers > 1) return runWorkerMode({ config: loaded.config, baseDir: staticBaseDir(loaded.file, cwd), log, pidFile, banner: `switchyard ${version()}` });
  let gateway;
  try {
    gateway = await startGateway({ config: loaded.config, baseDir: staticBaseDir(loaded.file, cwd), log, ...(byUpgrade ? { takeOver: takeOverListeners } : {}) });
  } catch (error) {
    console.error(`switchyard: cannot start: ${(error as Error).message}`);
    if (byUpgrade) await reportFailed((error as Error).message);
    return 1;
  }
  if (pidFile) await writePidFile(pidFile, process.pid);
  if (byUpgrade) await reportReady();
  const eps = Object.keys(loaded.config.entryPoints).map((name) => `${name}=${loaded.config.entryPoints[name]!.address}`);
  console.log(`switchyard ${version()} listening: ${eps.join(' ')}`);
  // logrotate moves the files, then SIGUSR1 asks for them to be reopened (Traefik's behaviour).
  const reopen = () => gateway.reopenLogs();
  process.on('SIGUSR1', reopen);
  const upgrades = onUpgradeSignal(() => gateway.listeners(), log, { ...(pidFile && { pidFile }) });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    void upgrades.handedOver.then(() => resolve('upgrade'));
  });
  process.off('SIGUSR1', reopen);
  if (signal !== 'upgrade') upgrades.stop();
  log.info({ signal }, signal === 'upgrade' ? 'handed over; draining' : 'shutting down');
  await gateway.shutdown({ handedOver: signal === 'upgrade' });
  // After an upgrade the file names the new process and stays.
  if (pidFile) await removePidFile(pidFile, process.pid);
  return 0;
}

async function healthcheck(argv: string[], env: Record<string, string | undefined>, cwd: string): Promise<number> {
  try {
    const { config } = await loadStaticConfig({ argv, env, cwd, providerSchemas: builtinProviderSchemas() });
    const ep = config.entryPoints[config.ping?.entryPoint ?? 'switchyard'];
    if (!config.ping || !ep) throw new Error('ping is not enabled');
    const response = await fetch(`http://${ep.host && ep.host !== '::' && ep.host !== '0.0.0.0' ? ep.host : '127.0.0.1'}:${ep.port}/ping`);
    console.log(`ping: ${response.status}`);
    return response.status === 200 ? 0 : 1;
  } catch (error) {
    console.error(`healthcheck failed: ${(error as Error).message}`);
    return 1;
  }
}
