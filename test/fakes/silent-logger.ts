import type { Logger } from '../../src/core/ports';

/** A Logger that keeps entries in memory (nothing printed during tests). */
export class MemoryLogger implements Logger {
  readonly entries: Array<{ level: string; obj: object | string; msg?: string }> = [];

  debug(obj: object | string, msg?: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }
  info(obj: object | string, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object | string, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object | string, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
  child(): Logger {
    return this;
  }
}
