/** Logging: pino JSON lines on stdout (journald keeps them on the Pi). */
import pino from 'pino';

export interface AgentLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function createLog(level: string, base: Record<string, string>): AgentLog {
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime });
}

export const silentLog: AgentLog = { debug() {}, info() {}, warn() {}, error() {} };
