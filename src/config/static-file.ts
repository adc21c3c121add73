import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parse as parseToml, TomlError } from 'smol-toml';
import { SwitchyardError } from '../errors.js';

/** Directories searched for `switchyard.yaml|yml|toml` when no `--configFile` is given, in order. */
export const DEFAULT_SEARCH_DIRS = ['.', '/etc/switchyard'];
const NAMES = ['switchyard.yaml', 'switchyard.yml', 'switchyard.toml'];

/** A static configuration file: its path for reading, its label for messages, and its parsed content. */
export interface StaticFile {
  path: string;
  label: string;
  content: unknown;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Finds the first `switchyard.*` file in the search directories (relative ones resolve against cwd). */
export async function discoverStaticFile(cwd: string, searchDirs = DEFAULT_SEARCH_DIRS): Promise<string | undefined> {
  for (const dir of searchDirs) {
    for (const name of NAMES) {
      const file = path.resolve(cwd, dir, name);
      if (await isFile(file)) return file;
    }
  }
  return undefined;
}

function fileError(label: string, reason: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_STATIC_FILE', `${label}: ${reason}`);
}

/** Line and column (1-based) of a character offset, for parsers that only report offsets. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** Parses YAML, TOML or JSON by extension; parse errors carry the parser's line and column. */
export function parseStaticText(text: string, file: string, label: string): unknown {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') {
    // Merge keys (`<<: *defaults`) are YAML 1.1, which Traefik's Go parser accepts, so users have them.
    const doc = parseDocument(text, { merge: true });
    const error = doc.errors[0];
    if (error) throw fileError(label, `${position(text, error.pos[0])}: ${error.message.split(' at line ')[0]!.split('\n')[0]}`);
    return doc.toJS();
  }
  if (ext === '.toml') {
    try {
      return parseToml(text);
    } catch (error) {
      if (error instanceof TomlError) throw fileError(label, `line ${error.line}, column ${error.column}: ${error.message.split('\n')[0]}`);
      throw error;
    }
  }
  if (ext === '.json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // V8 gives an offset for some JSON errors only; the others quote the text, so newlines are flattened.
      const message = (error as Error).message.replace(/\s*\n\s*/g, ' ');
      const offset = /at position (\d+)/.exec(message);
      throw fileError(label, offset ? `${position(text, Number(offset[1]))}: ${message.slice(0, offset.index).trim()}` : message);
    }
  }
  throw fileError(label, `unsupported file extension "${ext}" (use .yaml, .yml, .toml or .json)`);
}

/** Reads and parses a static configuration file; an empty file is an empty configuration. */
export async function readStaticFile(file: string, label: string): Promise<StaticFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(label, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const content = parseStaticText(text, file, label) ?? {};
  if (typeof content !== 'object' || Array.isArray(content)) throw fileError(label, 'must contain a mapping of keys at the top level');
  return { path: file, label, content };
}
