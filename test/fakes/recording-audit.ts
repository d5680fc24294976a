import type { AuditRecord, AuditSink } from '../../src/core/ports';

export class RecordingAudit implements AuditSink {
  readonly entries: AuditRecord[] = [];

  record(entry: AuditRecord): void {
    this.entries.push(entry);
  }

  actions(requestId?: string): string[] {
    return this.entries
      .filter((e) => requestId === undefined || e.requestId === requestId)
      .map((e) => e.action);
  }
}
