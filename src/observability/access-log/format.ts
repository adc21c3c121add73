import type { AccessLogEntry } from './fields.js';

/** Turns one entry into one line, newline included. */
export type LineFormat = (entry: AccessLogEntry, extra: { referer?: string; userAgent?: string }) => string;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `10/Oct/2026:13:55:36 +0000`: the CLF time, in UTC unless StartUTC was dropped (then local time). */
export function clfTime(entry: AccessLogEntry): string {
  const utc = entry.StartUTC !== undefined;
  const text = (utc ? entry.StartUTC : entry.StartLocal) as string | undefined;
  if (!text) return '-';
  const date = new Date(text);
  if (utc) return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
  const offset = -date.getTimezoneOffset();
  const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.trunc(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return `${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`;
}

const bare = (value: unknown): string => (value === undefined || value === '' ? '-' : String(value));
const quoted = (value: unknown): string => (value === undefined || value === '' ? '"-"' : `"${String(value)}"`);

function genericPart(entry: AccessLogEntry, extra: { referer?: string; userAgent?: string }): string {
  const request = `"${bare(entry.RequestMethod)} ${bare(entry.RequestPath)} ${bare(entry.RequestProtocol)}"`;
  return `${bare(entry.ClientHost)} - ${bare(entry.ClientUsername)} [${clfTime(entry)}] ${request} ${bare(entry.DownstreamStatus)} ${bare(entry.DownstreamContentSize)} ${quoted(extra.referer)} ${quoted(extra.userAgent)}`;
}

/** Traefik's extended CLF: generic CLF plus request count, router, server URL and duration in ms. */
export const formatCommon: LineFormat = (entry, extra) => {
  const millis = Math.floor(Number(entry.Duration ?? 0) / 1e6);
  return `${genericPart(entry, extra)} ${bare(entry.RequestCount)} ${quoted(entry.RouterName)} ${quoted(entry.ServiceURL)} ${millis}ms\n`;
};

/** The Common Log Format with referer and user agent, which generic log analysers read. */
export const formatGenericCLF: LineFormat = (entry, extra) => `${genericPart(entry, extra)}\n`;

/** A JSON object per line with sorted keys (as Traefik's logrus output) plus `level`, `msg` and `time`. */
export const formatJson: LineFormat = (entry) => {
  const all: AccessLogEntry = { ...entry, level: 'info', msg: '', time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  const sorted: AccessLogEntry = {};
  for (const key of Object.keys(all).sort()) sorted[key] = all[key]!;
  return `${JSON.stringify(sorted)}\n`;
};

/** The formatter for `accessLog.format`. */
export function lineFormat(format: 'common' | 'genericCLF' | 'json'): LineFormat {
  return format === 'json' ? formatJson : format === 'genericCLF' ? formatGenericCLF : formatCommon;
}
