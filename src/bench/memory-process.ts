/**
 * Child-process entry of the memory benchmark (memory-bench.ts): receives MemoryPhaseOptions over
 * IPC, runs the phase, answers `{ result }` or `{ error }`, and exits when the parent disconnects.
 */
import { type MemoryPhaseOptions, runMemoryPhase } from './memory-bench';

function serve(): void {
  process.once('message', (options: MemoryPhaseOptions) => {
    runMemoryPhase(options).then(
      (result) => process.send?.({ result }),
      (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) serve();
