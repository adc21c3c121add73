import { pino, type Logger as PinoLogger } from 'pino';

/** The process logger type. */
export type Logger = PinoLogger;

/** Levels accepted in `log.level`, Traefik's names. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC'] as const;

// Log files a logger writes to, so SIGUSR1 can reopen them after logrotate moved them.
const files = new WeakMap<Logger, { reopen(): void }>();

/** Creates the process logger from `log.level`, `log.format` (`common` or `json`) and `log.filePath` (stdout when empty). */
export function createLogger(options: { level?: string; format?: string; filePath?: string } = {}): Logger {
  const level = (options.level ?? 'ERROR').toLowerCase().replace('panic', 'fatal');
  const destination = options.filePath ? pino.destination({ dest: options.filePath, mkdir: true, append: true, sync: false }) : undefined;
  const settings =
    options.format === 'json'
      ? { level, base: undefined }
      : { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label.toUpperCase() }) } };
  const logger = destination ? pino(settings, destination) : pino(settings);
  if (destination) files.set(logger, destination);
  return logger;
}

/** Reopens the file of a logger made by createLogger with `filePath` (children share it); others: nothing. */
export function reopenLogFile(log: Logger): void {
  files.get(log)?.reopen();
}

/** A logger that discards everything, for tests and pure functions. */
export const silentLogger: Logger = pino({ level: 'silent' });
