import type { IdGenerator } from '../../src/core/ports';

/** req-0001, req-0002, … */
export class SequentialIds implements IdGenerator {
  private next = 1;

  constructor(private readonly prefix = 'req') {}

  newRequestId(): string {
    const id = `${this.prefix}-${String(this.next).padStart(4, '0')}`;
    this.next += 1;
    return id;
  }
}
