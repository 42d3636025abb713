import { pino, type Logger } from 'pino';

/** The root logger: JSON lines on stdout. Request and job loggers are its children. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'barge' }, timestamp: pino.stdTimeFunctions.isoTime });
}
