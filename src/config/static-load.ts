import path from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { SwitchyardError } from '../errors.js';
import { compileSchema, explainErrors, type Problem } from './ajv.js';
import { canonicalizeKeys } from './schema-path.js';
import { applyAssignment, type Assignment } from './static-assign.js';
import { checkStaticConfig } from './static-check.js';
import { resolveStaticConfig } from './static-defaults.js';
import { parseEnv } from './static-env.js';
import { DEFAULT_SEARCH_DIRS, discoverStaticFile, readStaticFile, type StaticFile } from './static-file.js';
import { parseFlags } from './static-flags.js';
import { buildStaticSchema, StaticConfigSchema, type StaticConfigInput } from './static-schema.js';
import type { StaticConfig } from './static-types.js';

/** A static configuration source. */
export type StaticSource = 'file' | 'flags' | 'env' | 'default';

/** Where to read static configuration from. */
export interface LoadStaticOptions {
  /** Command-line arguments after the program name. */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where to look for `switchyard.yaml|yml|toml`; defaults to cwd then `/etc/switchyard`. */
  searchDirs?: string[];
  /** Static schemas of providers registered outside the core, keyed by their `providers.<key>`. */
  providerSchemas?: Record<string, TSchema>;
}

/** The loaded configuration, the merged input it came from, and which sources contributed. */
export interface LoadedStaticConfig {
  config: StaticConfig;
  raw: unknown;
  /** The base source: the file if one was read, else env, else flags, else `default`. */
  source: StaticSource;
  /** Every source that contributed, lowest precedence first. */
  sources: Array<Exclude<StaticSource, 'default'>>;
  file?: string;
}

/** `SY_ERR_STATIC_INVALID` with the individual problems kept for callers and tests. */
export class StaticConfigError extends SwitchyardError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('SY_ERR_STATIC_INVALID', `invalid static configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

interface Owner {
  path: string[];
  origin: string;
}

const startsWith = (whole: string[], prefix: string[]) => prefix.length <= whole.length && prefix.every((s, i) => s === whole[i]);

function holds(tree: unknown, segments: string[]): boolean {
  let node = tree;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

/** Names the source of the value at a key path: the nearest key a source set, created, or held in the file. */
function attribute(segments: string[], owners: Owner[], file: StaticFile | undefined): string {
  const latest = (match: (owner: Owner) => boolean) => owners.findLast(match)?.origin;
  for (let length = segments.length; length > 0; length--) {
    const prefix = segments.slice(0, length);
    const exact = latest((o) => o.path.length === length && startsWith(o.path, prefix));
    if (exact) return exact;
    if (file && holds(file.content, prefix)) return file.label;
    const creator = latest((o) => startsWith(o.path, prefix));
    if (creator) return creator;
  }
  return file?.label ?? owners[0]?.origin ?? 'configuration';
}

/**
 * Loads static configuration from a file, environment variables and CLI flags.
 * Unlike Traefik, which uses only the first source that yields anything, the sources combine:
 * the file is the base, `SWITCHYARD_*` variables override single keys of it, and flags override both.
 */
export async function loadStaticConfig(options: LoadStaticOptions): Promise<LoadedStaticConfig> {
  const schema = options.providerSchemas ? buildStaticSchema(options.providerSchemas) : StaticConfigSchema;
  const flags = parseFlags(options.argv, schema);
  const env = parseEnv(options.env, schema);

  let file: StaticFile | undefined;
  if (flags.configFile !== undefined) {
    file = await readStaticFile(path.resolve(options.cwd, flags.configFile), flags.configFile);
  } else {
    const found = await discoverStaticFile(options.cwd, options.searchDirs ?? DEFAULT_SEARCH_DIRS);
    const relative = found && path.relative(options.cwd, found);
    if (found) file = await readStaticFile(found, relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : found);
  }
  if (file) file.content = canonicalizeKeys(schema, file.content);

  const raw = structuredClone((file?.content ?? {}) as Record<string, unknown>);
  const owners: Owner[] = [];
  for (const assignment of [...env.assignments, ...flags.assignments] as Assignment[]) {
    owners.push({ path: applyAssignment(raw, assignment).map(String), origin: assignment.origin });
  }

  const problems = [...env.problems, ...flags.problems];
  const validate = compileSchema(schema);
  const found: Problem[] = [...(validate(raw) ? [] : explainErrors(validate.errors)), ...checkStaticConfig(raw)];
  problems.push(...found.map((p) => `${attribute(p.segments, owners, file)}: ${p.text}`));
  if (problems.length > 0) throw new StaticConfigError(problems);

  const sources: LoadedStaticConfig['sources'] = [];
  if (file) sources.push('file');
  if (env.assignments.length > 0) sources.push('env');
  if (flags.assignments.length > 0) sources.push('flags');
  return {
    config: resolveStaticConfig(raw as StaticConfigInput),
    raw,
    source: sources[0] ?? 'default',
    sources,
    ...(file && { file: file.path }),
  };
}
