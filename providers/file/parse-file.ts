import path from 'node:path';
import { parseDocument } from 'yaml';
import { parse as parseToml, TomlError } from 'smol-toml';
import { quickYaml } from '../../src/config/quick-yaml.js';

/** The file extensions the file provider reads, mapped to their format. */
export const CONFIG_EXTENSIONS: Readonly<Record<string, 'yaml' | 'toml' | 'json'>> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.json': 'json',
};

/** The outcome of parsing one file: its top-level mapping, or a message with the parser's position. */
export type ParseResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; message: string; line?: number; column?: number };

/** The format a file is read in, by its extension (in any case); undefined when the file provider does not read it. */
export function configFormat(name: string): 'yaml' | 'toml' | 'json' | undefined {
  const extension = path.extname(name).toLowerCase();
  return Object.hasOwn(CONFIG_EXTENSIONS, extension) ? CONFIG_EXTENSIONS[extension] : undefined;
}

/** True when the file name has an extension the file provider reads. */
export function isConfigFile(name: string): boolean {
  return configFormat(name) !== undefined;
}

/** Parses a configuration file's text by its extension; whitespace-only text is an empty configuration. */
export function parseConfigFile(name: string, text: string): ParseResult {
  const format = configFormat(name);
  if (!format) return { ok: false, message: `unsupported file extension "${path.extname(name)}"` };
  // Some Windows editors start UTF-8 files with a byte order mark, which JSON.parse rejects.
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: true, value: {} };
  let result: ParseResult;
  try {
    result = format === 'yaml' ? parseYaml(text) : format === 'toml' ? parseTomlText(text) : parseJson(text);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (!result.ok) return result;
  const value: unknown = result.value;
  // A YAML file holding only comments parses to null: that is an empty file, not an error.
  if (value === null || value === undefined) return { ok: true, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'the top level must be a mapping', line: 1, column: 1 };
  return result;
}

/** Formats a parse failure as `name: line L, column C: message`. */
export function formatParseError(name: string, result: Extract<ParseResult, { ok: false }>): string {
  const where = result.line === undefined ? '' : `line ${result.line}, column ${result.column ?? 1}: `;
  return `${name}: ${where}${result.message}`;
}

function parseYaml(text: string): ParseResult {
  const quick = quickYaml(text);
  if (quick !== undefined) return { ok: true, value: quick as Record<string, unknown> };
  // uniqueKeys makes a duplicated key an error with its position instead of a silent overwrite.
  const doc = parseDocument(text, { uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const message = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
    return { ok: false, message, line: pos?.line, column: pos?.col };
  }
  // maxAliasCount bounds alias expansion ("billion laughs"); providers are untrusted input.
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> };
}

function parseTomlText(text: string): ParseResult {
  try {
    return { ok: true, value: parseToml(text) as Record<string, unknown> };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    return { ok: false, message, line: error.line, column: error.column };
  }
}

function parseJson(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as Record<string, unknown> };
  } catch (error) {
    const raw = (error as Error).message;
    const position = /at position (\d+)/.exec(raw);
    const message = raw.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
    // V8 gives no position for a truncated document: the error is at its end.
    const offset = position ? Number(position[1]) : /end of JSON input/.test(raw) ? text.length : undefined;
    if (offset === undefined) return { ok: false, message };
    const before = text.slice(0, offset);
    const lines = before.split('\n');
    return { ok: false, message, line: lines.length, column: lines.at(-1)!.length + 1 };
  }
}
