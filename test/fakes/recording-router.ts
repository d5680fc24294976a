import type { Router, RoutingDecision, RoutingInput } from '../../src/core/ports';

/** A Router that records its inputs and answers with a fixed decision (the LLM router's fallback in tests). */
export class RecordingRouter implements Router {
  readonly inputs: RoutingInput[] = [];

  constructor(
    private readonly decision: RoutingDecision = {
      kind: 'out_of_scope',
      suggestions: [],
      text: 'local router answer',
      via: 'local',
    },
  ) {}

  async route(input: RoutingInput): Promise<RoutingDecision> {
    this.inputs.push(input);
    return this.decision;
  }
}
