/** A problem found in a process map, placed on the line of the node it is about. */
export interface MapProblem {
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

/** "process-maps/it.yaml:12: processes[0].title: is required" — the shape editors and CI understand. */
export function formatProblem(problem: MapProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}
