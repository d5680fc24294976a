/**
 * The routing targets on CLINC150 validation (150 processes from the training split): one fixed
 * threshold (the router's default), in-scope accuracy ≥ 92% (an in-scope request answered "out of
 * scope" counts as wrong), out-of-scope recall ≥ 50%, shortlist recall@8 ≥ 99%.
 * Latency is measured by `npm run bench` (never asserted in a timed unit test). Needs the shared data at ../shared/eval/clinc150 (or FLOWDESK_CLINC150_DIR). Takes ~10 s.
 */
import { defaultClinc150Dir } from '../../src/bench/clinc150';
import { runRoutingBench } from '../../src/bench/routing-bench';
import { DEFAULT_LOCAL_THRESHOLD } from '../../src/core/routing/local-router';

describe('local router on CLINC150 validation', () => {
  it('meets the targets at the default threshold', async () => {
    const printed: string[] = [];
    const result = await runRoutingBench({ dir: defaultClinc150Dir(), print: (line) => printed.push(line) });
    expect(result).toMatchObject({ processes: 150, cases: 3100, k: 8, threshold: DEFAULT_LOCAL_THRESHOLD });
    expect(result.in_scope_accuracy).toBeGreaterThanOrEqual(0.92);
    expect(result.oos_recall).toBeGreaterThanOrEqual(0.5);
    expect(result.recall_at_k).toBeGreaterThanOrEqual(0.99);
    expect(result.p99_ms).toBeGreaterThan(0);
    expect(JSON.parse(printed[0])).toEqual(result);
  });
});
