/**
 * One process-map file: safe YAML (core schema, no custom tags) → zod schema → per-process rules,
 * with every problem placed on the line of the node it is about.
 */
import { type Document, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { checkProcess } from './check-process';
import { describeIssues } from './describe-issues';
import { formatPath, lineAtPath } from './locate-in-yaml';
import type { MapProblem } from './map-problem';
import type { FragmentChecker, PathProblem, PathSegment } from './parameter-fragments';
import { type ParsedProcess, processMapFileSchema } from './process-map-schema';

export interface MapFileInput {
  path: string;
  text: string;
}

export interface LocatedProcess {
  parsed: ParsedProcess;
  file: string;
  line: number;
  idLine: number;
  aliasLines: number[];
}

/** The tags of YAML's core schema: anything else (`!!js/function`, `!!binary`, `!custom`) is refused. */
const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);
const MAX_ALIASES = 100;

type FileResult = { processes: LocatedProcess[]; problems: MapProblem[] };

export function readMapFile(file: MapFileInput, checkFragment: FragmentChecker): FileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, {
    lineCounter,
    prettyErrors: false,
    schema: 'core',
    logLevel: 'error',
  });
  const loaded = loadData(doc, file, lineCounter);
  if ('problems' in loaded) return { processes: [], problems: loaded.problems };

  const line = (path: readonly PathSegment[]) => lineAtPath(doc, lineCounter, path);
  const at = (problem: PathProblem): MapProblem => {
    const label = problem.label ?? problem.path;
    const message = label.length > 0 ? `${formatPath(label)}: ${problem.message}` : problem.message;
    return { file: file.path, line: line(problem.path), message };
  };

  const parsed = processMapFileSchema.safeParse(loaded.data);
  if (!parsed.success) {
    return { processes: [], problems: describeIssues(parsed.error.issues, loaded.data).map(at) };
  }
  const within = (index: number, path: PathSegment[] | undefined) => path && ['processes', index, ...path];
  const problems = parsed.data.processes.flatMap((process, index) =>
    checkProcess(process, checkFragment).map((p) =>
      at({ ...p, path: within(index, p.path)!, label: within(index, p.label) }),
    ),
  );
  if (problems.length > 0) return { processes: [], problems };

  const processes = parsed.data.processes.map((process, index) => ({
    parsed: process,
    file: file.path,
    line: line(['processes', index]),
    idLine: line(['processes', index, 'id']),
    aliasLines: process.aliases.map((_, aliasIndex) => line(['processes', index, 'aliases', aliasIndex])),
  }));
  return { processes, problems: [] };
}

/** The document as plain data, or the problems that stop it from being read safely. */
function loadData(
  doc: Document,
  file: MapFileInput,
  lineCounter: LineCounter,
): { data: unknown } | { problems: MapProblem[] } {
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const problem = (line: number, message: string): MapProblem => ({ file: file.path, line, message });
  const syntax = syntaxProblems(doc, file.text, lineAt);
  if (syntax.length > 0) return { problems: syntax.map((p) => problem(p.line, p.message)) };
  let data: unknown;
  try {
    // maxAliasCount stops "billion laughs" documents that expand anchors exponentially.
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { problems: [problem(1, `YAML could not be read: ${reason}`)] };
  }
  if (data === null || data === undefined) {
    return { problems: [problem(1, 'file is empty (expected "version: 1" and a list of "processes")')] };
  }
  return { data };
}

type LineProblem = { line: number; message: string };

function syntaxProblems(doc: Document, text: string, lineAt: (offset: number) => number): LineProblem[] {
  const problems: LineProblem[] = doc.errors.map((error) => ({
    line: lineAt(error.pos[0]),
    message:
      error.code === 'DUPLICATE_KEY'
        ? `duplicate key ${JSON.stringify(keyTextAt(text, error.pos[0]))} in the same mapping`
        : `YAML syntax error: ${error.message}`,
  }));
  visit(doc, {
    Node(_, node) {
      if (node.tag && !CORE_TAGS.has(node.tag) && node.range) {
        const tag = node.tag.replace('tag:yaml.org,2002:', '!!');
        problems.push({
          line: lineAt(node.range[0]),
          message: `YAML tag "${tag}" is not allowed: process maps are plain YAML (no custom tags)`,
        });
      }
    },
    Pair(_, pair) {
      if (isPair(pair) && !isScalar(pair.key) && pair.key !== null) {
        const range = (pair.key as { range?: [number, number, number] }).range;
        problems.push({ line: range ? lineAt(range[0]) : 1, message: 'mapping keys must be plain text' });
      }
    },
  });
  return problems;
}

/** The key written at `offset` ("title" in `title: x`), for a readable duplicate-key message. */
function keyTextAt(text: string, offset: number): string {
  const match = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:\n]*?))\s*:/.exec(text.slice(offset));
  return match ? (match[1] ?? match[2] ?? match[3]) : text.slice(offset).split('\n')[0];
}
