import { rm } from 'node:fs/promises';
import { isAlive, readPidFile, readUpgradeFailure, upgradeFailureFile } from './pid-file.js';

/** Removes `--pidFile=FILE` (or `--pidFile FILE`) from a command line; it is not static configuration. */
export function takePidFileFlag(argv: string[]): { pidFile: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let pidFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--pidFile=')) pidFile = arg.slice('--pidFile='.length);
    else if (arg === '--pidFile' && i + 1 < argv.length) pidFile = argv[++i];
    else rest.push(arg);
  }
  return { pidFile, rest };
}

/**
 * `switchyard upgrade --pidFile=FILE [--timeout=SECONDS]`: sends SIGUSR2 to the process named in the pid
 * file, then waits until the file names a new live process and the old one has exited. A failure the
 * running process records (see onUpgradeSignal) ends the wait at once with its reason.
 */
export async function upgradeCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { pidFile, rest } = takePidFileFlag(argv);
  const timeout = Number(rest.find((a) => a.startsWith('--timeout='))?.slice('--timeout='.length) ?? 60);
  if (!pidFile) {
    print('switchyard upgrade: --pidFile=FILE is required (the file the running gateway was started with)');
    return 2;
  }
  const old = await readPidFile(pidFile);
  if (!old || !isAlive(old)) {
    print(`switchyard upgrade: no running gateway in ${pidFile}`);
    return 1;
  }
  const signalled = Date.now();
  process.kill(old, 'SIGUSR2');
  const deadline = signalled + timeout * 1000;
  while (Date.now() < deadline) {
    const failure = await readUpgradeFailure(pidFile);
    if (failure && failure.pid === old && failure.at >= signalled) {
      await rm(upgradeFailureFile(pidFile), { force: true });
      print(`switchyard upgrade: failed, ${old} keeps serving: ${failure.message} (see the gateway's log)`);
      return 1;
    }
    const now = await readPidFile(pidFile);
    if (now && now !== old && isAlive(now) && !isAlive(old)) {
      print(`upgraded: ${old} -> ${now}`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const now = await readPidFile(pidFile);
  print(now && now !== old ? `switchyard upgrade: ${now} serves, but ${old} is still draining after ${timeout}s` : `switchyard upgrade: no new process after ${timeout}s (see the gateway's log)`);
  return 1;
}
