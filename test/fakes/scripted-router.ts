import type { Router, RoutingDecision, RoutingInput } from '../../src/core/ports';

/** A Router whose answer the test scripts as a function of the input; records every input. */
export class ScriptedRouter implements Router {
  readonly inputs: RoutingInput[] = [];
  /** Tests set it to stand for a router that calls a model. */
  callsOut = false;

  constructor(public respond: (input: RoutingInput) => RoutingDecision) {}

  async route(input: RoutingInput): Promise<RoutingDecision> {
    this.inputs.push(input);
    return this.respond(input);
  }

  last(): RoutingInput {
    const input = this.inputs.at(-1);
    if (!input) throw new Error('router was not called');
    return input;
  }
}
