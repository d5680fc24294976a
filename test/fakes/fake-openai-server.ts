/**
 * The fake OpenAI-compatible server. It lives in src/bench/fakes/ because the benchmarks (compiled from
 * src/) start it too; tests import it from here.
 */
export * from '../../src/bench/fakes/fake-openai-server';
