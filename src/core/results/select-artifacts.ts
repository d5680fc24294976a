/**
 * Which artifacts a result reply shows: the map's `results.keys` (absent = all), the newest
 * version of each key, progress artifacts left out (they belong on the status card while the run
 * is going, not in its result), and at most `max` of them — the rest counted so the reply can say
 * "n more" and link to the run.
 */
import type { RunArtifact } from '../ports';
import { artifactKind, latestPerKey, normalizeKey } from './artifact-values';

export interface SelectArtifactsOptions {
  /** `results.keys` of the process; absent = every artifact. */
  keys?: readonly string[];
  /** Most artifacts to show (default 8). */
  max?: number;
  /** Keep progress artifacts (placed last). Default false. */
  includeProgress?: boolean;
}

export interface ArtifactSelection {
  shown: RunArtifact[];
  /** How many selected artifacts did not fit under `max`. */
  hidden: number;
  /** Keys the map asked for that the run did not produce. */
  missingKeys: string[];
}

export const DEFAULT_MAX_ARTIFACTS = 8;

export function selectArtifacts(
  artifacts: readonly RunArtifact[],
  options: SelectArtifactsOptions = {},
): ArtifactSelection {
  const max = Math.max(0, Math.floor(options.max ?? DEFAULT_MAX_ARTIFACTS));
  const latest = latestPerKey(artifacts);
  const { chosen, missingKeys } = options.keys
    ? byKeys(latest, options.keys)
    : { chosen: latest, missingKeys: [] };
  const progress = chosen.filter((a) => artifactKind(a) === 'progress');
  const others = chosen.filter((a) => artifactKind(a) !== 'progress');
  const ordered = options.includeProgress ? [...others, ...progress] : others;
  return { shown: ordered.slice(0, max), hidden: Math.max(0, ordered.length - max), missingKeys };
}

/** In the order the map lists them: the author chose what matters first. */
function byKeys(artifacts: RunArtifact[], keys: readonly string[]) {
  const chosen: RunArtifact[] = [];
  const missingKeys: string[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const wanted = normalizeKey(key);
    if (seen.has(wanted)) continue;
    seen.add(wanted);
    const match = artifacts.find((a) => a.key && normalizeKey(a.key) === wanted);
    if (match) chosen.push(match);
    else missingKeys.push(key);
  }
  return { chosen, missingKeys };
}
