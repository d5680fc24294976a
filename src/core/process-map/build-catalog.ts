/**
 * Builds the process catalog from the texts of map files (pure: the files are read by
 * `adapters/process-map-files.ts`). All problems are collected, so an author sees every mistake in
 * one run; the catalog is only returned when there are none (a partial catalog is never used).
 */
import type { ProcessCatalog } from '../types';
import { aliasSkeleton, parseAliasPattern } from './alias-pattern';
import type { MapProblem } from './map-problem';
import { createFragmentChecker } from './parameter-fragments';
import { type LocatedProcess, type MapFileInput, readMapFile } from './read-map-file';
import { toProcessDef } from './to-process-def';

export type { MapProblem } from './map-problem';
export { formatProblem } from './map-problem';
export { parseDuration, tryParseDuration } from './parse-duration';

export function buildCatalog(files: ReadonlyArray<MapFileInput>): {
  catalog: ProcessCatalog | null;
  problems: MapProblem[];
} {
  const checkFragment = createFragmentChecker();
  const located: LocatedProcess[] = [];
  const problems: MapProblem[] = [];
  for (const file of files) {
    const result = readMapFile(file, checkFragment);
    located.push(...result.processes);
    problems.push(...result.problems);
  }
  problems.push(...duplicateIdProblems(located), ...aliasCollisionProblems(located));
  if (problems.length > 0) return { catalog: null, problems: sortProblems(problems, files) };

  const processes = located.map((p) => toProcessDef(p.parsed, { file: p.file, line: p.line }));
  return {
    catalog: {
      processes,
      byId: new Map(processes.map((p) => [p.id, p])),
      files: files.map((f) => f.path),
    },
    problems: [],
  };
}

/** Reported at every occurrence, each naming the others, so both files show up in an editor. */
function duplicateIdProblems(located: readonly LocatedProcess[]): MapProblem[] {
  const byId = new Map<string, LocatedProcess[]>();
  for (const process of located) {
    byId.set(process.parsed.id, [...(byId.get(process.parsed.id) ?? []), process]);
  }
  return [...byId.values()]
    .filter((group) => group.length > 1)
    .flatMap((group) =>
      group.map((process) => {
        const others = group.filter((other) => other !== process).map((o) => `${o.file}:${o.idLine}`);
        return {
          file: process.file,
          line: process.idLine,
          message: `duplicate process id "${process.parsed.id}" (also defined at ${others.join(', ')})`,
        };
      }),
    );
}

/** Two processes whose aliases read the same could never be told apart by an exact command. */
function aliasCollisionProblems(located: readonly LocatedProcess[]): MapProblem[] {
  const seen = new Map<string, { process: LocatedProcess; alias: string; line: number }>();
  const problems: MapProblem[] = [];
  for (const process of located) {
    process.parsed.aliases.forEach((alias, index) => {
      const parsed = parseAliasPattern(alias);
      if (!parsed.ok) return;
      const skeleton = aliasSkeleton(parsed.parts);
      const first = seen.get(skeleton);
      const line = process.aliasLines[index];
      if (!first) {
        seen.set(skeleton, { process, alias, line });
      } else if (first.process.parsed.id !== process.parsed.id) {
        problems.push({
          file: process.file,
          line,
          message: `alias "${alias}" reads the same as alias "${first.alias}" of process "${first.process.parsed.id}" (${first.process.file}:${first.line})`,
        });
      }
    });
  }
  return problems;
}

function sortProblems(problems: MapProblem[], files: ReadonlyArray<MapFileInput>): MapProblem[] {
  const order = new Map(files.map((f, i) => [f.path, i]));
  return [...problems].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
}
