/**
 * Just enough Python reading for the example-flow tests: find `@flow(name="…")` functions and
 * parse their parameters (names, annotations, default literals). Bracket- and string-aware, so
 * `Literal["a", "b"]` or a default like `"x, y"` do not split a parameter.
 */

export interface PyParameter {
  name: string;
  /** Annotation text with whitespace normalised, or null. */
  annotation: string | null;
  /** Default expression text, or null when the parameter has none. */
  default: string | null;
}

export interface PyFlow {
  /** `name=` of the @flow decorator. */
  flowName: string;
  functionName: string;
  parameters: PyParameter[];
}

/** Every `@flow(...)`-decorated function of a module. */
export function findFlows(source: string): PyFlow[] {
  const flows: PyFlow[] = [];
  const decorator = /^@flow\(/gm;
  for (let match = decorator.exec(source); match; match = decorator.exec(source)) {
    const argsEnd = closing(source, match.index + match[0].length - 1);
    const args = source.slice(match.index + match[0].length, argsEnd);
    const name = /(?:^|,)\s*name\s*=\s*(["'])([^"']*)\1/.exec(args)?.[2];
    const def = /^\s*(?:@[^\n]*\n\s*)*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/.exec(source.slice(argsEnd + 1));
    if (!name || !def) continue;
    const open = argsEnd + 1 + def[0].length - 1;
    const params = source.slice(open + 1, closing(source, open));
    flows.push({
      flowName: name,
      functionName: def[1],
      parameters: splitTopLevel(params, ',').map(parameter),
    });
  }
  return flows;
}

/** Index of the bracket closing the one at `open`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      i = stringEnd(text, i);
    } else if (ch === '#') {
      i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    } else if ('([{'.includes(ch)) {
      depth++;
    } else if (')]}'.includes(ch)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced bracket from offset ${open}`);
}

function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  throw new Error(`unterminated string at offset ${start}`);
}

/** Splits on `separator` outside brackets and strings; drops empty pieces (a trailing comma). */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = stringEnd(text, i);
      current += text.slice(i, end + 1);
      i = end;
      continue;
    }
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parameter(text: string): PyParameter {
  const [head, ...defaultParts] = splitTopLevel(text, '=');
  const [name, ...annotationParts] = splitTopLevel(head, ':');
  const annotation =
    annotationParts.length > 0 ? annotationParts.join(':').replace(/\s+/g, ' ').trim() : null;
  return {
    name: name.trim(),
    annotation,
    default: defaultParts.length > 0 ? defaultParts.join('=').trim() : null,
  };
}

export type PyType =
  | { kind: 'literal'; values: Array<string | number | boolean | null> }
  | { kind: 'named'; name: string }
  | { kind: 'optional'; inner: PyType }
  | { kind: 'unknown'; text: string };

/** `str`, `datetime.date`, `Literal["a", "b"]`, `Optional[X]`, `X | None`. */
export function parseAnnotation(text: string): PyType {
  const t = text.trim();
  const optional = /^Optional\[(.*)\]$/s.exec(t);
  if (optional) return { kind: 'optional', inner: parseAnnotation(optional[1]) };
  const union = splitTopLevel(t, '|');
  if (union.length === 2 && union.includes('None')) {
    return { kind: 'optional', inner: parseAnnotation(union.find((part) => part !== 'None')!) };
  }
  const literal = /^(?:typing\.)?Literal\[(.*)\]$/s.exec(t);
  if (literal) return { kind: 'literal', values: splitTopLevel(literal[1], ',').map(parseLiteral) };
  if (/^[A-Za-z_][\w.]*$/.test(t)) return { kind: 'named', name: t };
  return { kind: 'unknown', text: t };
}

/** A Python literal: a string, a number, True/False/None. */
export function parseLiteral(text: string): string | number | boolean | null {
  const t = text.trim();
  if (/^(["']).*\1$/s.test(t)) return JSON.parse(`"${t.slice(1, -1).replace(/"/g, '\\"')}"`);
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new Error(`not a simple literal: ${t}`);
}
