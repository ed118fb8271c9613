import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; child loggers add event_id / trace_id where there is one. */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
