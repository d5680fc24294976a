/** Memory readings for the benchmarks: a full GC first when one can be triggered. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

/**
 * `global.gc` under `node --expose-gc`; otherwise the flag is set at run time and `gc` is taken from
 * a fresh context (a documented V8 behaviour), so `npm run bench` needs no extra node flag.
 */
function findGc(): Gc | undefined {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as Gc;
  } catch {
    return undefined;
  }
}

const gc = findGc();

export function canCollectGarbage(): boolean {
  return gc !== undefined;
}

export interface MemoryReading {
  rss_mb: number;
  heap_used_mb: number;
}

export async function readMemory(): Promise<MemoryReading> {
  if (gc) {
    // Twice, with a turn of the event loop between: weak callbacks and finalizers run in between.
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  const usage = process.memoryUsage();
  return { rss_mb: toMb(usage.rss), heap_used_mb: toMb(usage.heapUsed) };
}

function toMb(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}
