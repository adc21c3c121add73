import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/** Writes `pid` to `file` atomically (temp file, then rename), so a reader never sees a half-written pid. */
export async function writePidFile(file: string, pid: number): Promise<void> {
  const temp = `${file}.${pid}.tmp`;
  await writeFile(temp, `${pid}\n`);
  await rename(temp, file);
}

/** Reads the pid in `file`, or undefined when the file is missing or holds no pid. */
export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes `file` only when it still names `pid`: after an upgrade it names the new process and must stay. */
export async function removePidFile(file: string, pid: number): Promise<void> {
  if ((await readPidFile(file)) !== pid) return;
  await rm(file, { force: true });
  await rm(upgradeFailureFile(file), { force: true });
}

/** A failed upgrade as the running process records it for `switchyard upgrade`, which otherwise could only wait. */
export interface UpgradeFailure {
  /** The process that was asked to upgrade and keeps serving. */
  pid: number;
  /** When it failed (ms since the epoch): older records belong to earlier attempts. */
  at: number;
  message: string;
}

/** Next to the pid file: whoever can signal the process can read why its upgrade failed. */
export function upgradeFailureFile(pidFile: string): string {
  return `${pidFile}.upgrade-failed`;
}

/** Records a failed upgrade atomically (temp file, then rename). */
export async function writeUpgradeFailure(pidFile: string, failure: UpgradeFailure): Promise<void> {
  const file = upgradeFailureFile(pidFile);
  const temp = `${file}.${failure.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(failure)}\n`);
  await rename(temp, file);
}

/** The last recorded failed upgrade, or undefined when there is none (or it cannot be read). */
export async function readUpgradeFailure(pidFile: string): Promise<UpgradeFailure | undefined> {
  try {
    const failure = JSON.parse(await readFile(upgradeFailureFile(pidFile), 'utf8')) as Partial<UpgradeFailure>;
    return typeof failure.pid === 'number' && typeof failure.at === 'number' && typeof failure.message === 'string' ? (failure as UpgradeFailure) : undefined;
  } catch {
    return undefined;
  }
}

/** True while a process with this pid runs (signal 0 probes without signalling; an exited, unreaped zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: the state letter follows the parenthesised command name; Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
