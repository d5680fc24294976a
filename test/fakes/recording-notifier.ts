import type { Notifier, RequestEvent } from '../../src/core/ports';
import type { ProcessDef, RequestRecord } from '../../src/core/types';

export interface NotifiedEvent {
  request: RequestRecord;
  process: ProcessDef | undefined;
  event: RequestEvent;
}

/** Records every request change the core announces. */
export class RecordingNotifier implements Notifier {
  readonly events: NotifiedEvent[] = [];

  async requestChanged(
    request: RequestRecord,
    process: ProcessDef | undefined,
    event: RequestEvent,
  ): Promise<void> {
    this.events.push({ request, process, event });
  }

  kinds(): string[] {
    return this.events.map((entry) => entry.event.kind);
  }
}
