/** Polls `check` every `everyMs` until it holds; throws naming `what` (and `detail()`, e.g. a process's output) after `ms`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000, options: { everyMs?: number; detail?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}${options.detail ? `\n${options.detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, options.everyMs ?? 50));
  }
}
