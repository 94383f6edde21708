/** Structured logs (pino, JSON lines on stderr), one root logger per process passed down explicitly. */
import { pino, type Logger } from 'pino';

export type { Logger };

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function newLogger(level: string, name = 'cairn'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}
