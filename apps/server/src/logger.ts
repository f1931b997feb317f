import { pino } from 'pino';
import type { Logger } from 'pino';

/** The one logger: JSON lines on stderr, level from LOG_LEVEL (default info). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'sextant' } }, pino.destination(2));
}
