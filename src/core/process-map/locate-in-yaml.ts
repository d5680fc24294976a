/**
 * Finds the line of a value in a parsed YAML document from its path (['processes', 2, 'approval']):
 * the line of the field's key, or of the nearest parent that exists when the field is missing.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { PathSegment } from './parameter-fragments';

export function lineAtPath(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): number {
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  let node: unknown = doc.contents;
  let line = lineOf(node) ?? 1;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      line = lineOf(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(String(segment))) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      line = lineOf(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** "processes[2].approval.expires_after" */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? segment : `${text}.${segment}`;
  }, '');
}
