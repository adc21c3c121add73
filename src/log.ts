import { pino, type Logger as PinoLogger } from 'pino';

/** The process logger type. */
export type Logger = PinoLogger;

/** Levels accepted in `log.level`, Traefik's names. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC'] as const;

/** Creates the process logger from `log.level` and `log.format` (`common` or `json`). */
export function createLogger(options: { level?: string; format?: string } = {}): Logger {
  const level = (options.level ?? 'ERROR').toLowerCase().replace('panic', 'fatal');
  if (options.format === 'json') return pino({ level, base: undefined });
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label.toUpperCase() }) },
  });
}

/** A logger that discards everything, for tests and pure functions. */
export const silentLogger: Logger = pino({ level: 'silent' });
