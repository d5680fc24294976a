import type { Clock } from '../../src/core/ports';

/** A clock that only moves when the test says so. */
export class FixedClock implements Clock {
  private current: number;

  constructor(start = '2025-06-12T10:00:00.000Z') {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }
}
