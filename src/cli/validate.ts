import { loadStaticConfig, StaticConfigError } from '../config/static-load.js';
import { validateDynamic } from '../config/validate-dynamic.js';
import { checkSnapshot } from '../provider/boundary.js';
import { elementOrigin } from '../provider/provider.js';
import { mergeProviderConfigs } from '../provider/merge.js';
import type { DynamicConfig } from '../config/dynamic-schema.js';
import { builtinMiddlewares, builtinProviderSchemas, builtinProviders } from '../builtins.js';
import { silentLogger } from '../log.js';
import { SwitchyardError } from '../errors.js';
import { checkReferences } from './check-references.js';
import { staticBaseDir } from './base-dir.js';

/** Offline providers `validate` can read; the others need their live source. */
const OFFLINE = new Set(['file']);

/**
 * `switchyard validate`: checks the static configuration and every dynamic file it points to,
 * printing each error with its file, element and key path. Returns the exit code (1 on any error).
 */
export async function validateCommand(argv: string[], env: Record<string, string | undefined>, cwd: string, print: (line: string) => void): Promise<number> {
  let loaded;
  try {
    loaded = await loadStaticConfig({ argv, env, cwd, providerSchemas: builtinProviderSchemas() });
  } catch (error) {
    if (error instanceof StaticConfigError) error.problems.forEach((p) => print(`error: ${p}`));
    else print(`error: ${(error as Error).message}`);
    return 1;
  }
  print(`static configuration: ok (${loaded.file ?? loaded.source})`);
  const config = loaded.config;
  const middlewares = builtinMiddlewares();
  const types = builtinProviders();
  const problems: string[] = [];
  const byProvider = new Map<string, DynamicConfig>();
  // Where elements came from, for the messages: the (offline) file provider's listed origins and its first file.
  const origins: Record<string, string> = {};
  let origin: string | undefined;
  const invalid = new Set<string>();
  const sections: Record<string, unknown> = { ...config.providers.others, ...(config.providers.file ? { file: { ...config.providers.file, watch: false } } : {}) };
  for (const [type, options] of Object.entries(sections)) {
    if (!OFFLINE.has(type)) {
      print(`provider ${type}: skipped (it needs its live source)`);
      continue;
    }
    try {
      const provider = types.get(type)!.create(options as never, { log: silentLogger, baseDir: staticBaseDir(loaded.file, cwd) });
      const controller = new AbortController();
      for await (const snapshot of provider.watch(controller.signal)) {
        const checked = checkSnapshot(provider.name, snapshot, middlewares, validateDynamic);
        problems.push(...checked.errors.map((e) => e.message));
        for (const e of checked.errors) if (e.name) invalid.add(e.name);
        byProvider.set(provider.name, checked.config);
        Object.assign(origins, snapshot.origins ?? {});
        origin ??= snapshot.origin;
        controller.abort();
        break;
      }
    } catch (error) {
      problems.push(error instanceof SwitchyardError ? error.message : `providers.${type}: ${(error as Error).message}`);
    }
  }
  const merged = mergeProviderConfigs(byProvider);
  problems.push(...merged.errors.map((e) => e.message));
  problems.push(...checkReferences(merged.config, Object.keys(config.entryPoints), (key) => elementOrigin({ origins, origin }, key), invalid));
  for (const problem of problems) print(`error: ${problem}`);
  const counts = Object.entries(merged.config.http ?? {}).map(([k, v]) => `${Object.keys(v ?? {}).length} ${k}`);
  print(problems.length ? `${problems.length} error${problems.length === 1 ? '' : 's'}` : `dynamic configuration: ok (${counts.join(', ')})`);
  return problems.length ? 1 : 0;
}
