/**
 * Is a JSON Schema `pattern` safe to run on untrusted text with JavaScript's backtracking regex
 * engine? (ajv compiles patterns with `new RegExp(pattern, 'u')`; there is no linear-time engine here.)
 *
 * Catastrophic backtracking ("ReDoS") needs a repeated part that can match the same text in more
 * than one way: `(a+)+`, `(a*)*`, `(a|aa)+`, `(.*a){2,}` take exponential time on "aaaa…!". This is a
 * star-height style check over a small parser of the pattern's source: a group that may repeat (its
 * quantifier allows more than one iteration) must not contain a quantifier or an alternation. Two
 * common, unambiguous shapes are allowed, because each iteration's end is forced by the text:
 * - one quantified single character, next to literal text that it cannot match, whose first literal
 *   character after the run it cannot match either: `(-[a-z0-9]+)*`, `([a-z]+,)*`, `(\d{1,3}\.){3}`;
 * - an alternation of plain words none of which starts another: `(foo|bar)+`.
 * Backreferences (`\1`, `\k<name>`) are refused (matching them is NP-hard), and so is any pattern
 * longer than 500 characters (too long to reason about). Polynomial patterns such as `a*a*a*b` pass:
 * callers also cap the length of the text they test (validate-parameters).
 */

export const MAX_PATTERN_LENGTH = 500;

export type PatternVerdict = { safe: true } | { safe: false; reason: string };

/** Why a pattern is unsafe, as a short phrase ("nested quantifier"), or `{ safe: true }`. */
export function checkPattern(source: string): PatternVerdict {
  if (source.length > MAX_PATTERN_LENGTH) {
    return { safe: false, reason: `longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  try {
    new RegExp(source, 'u');
  } catch {
    return { safe: false, reason: 'not a valid regular expression' };
  }
  const tree = new Parser(source).parse();
  if (tree === undefined) return { safe: false, reason: 'not a valid regular expression' };
  if (contains(tree, (node) => node.kind === 'backreference'))
    return { safe: false, reason: 'backreference' };
  if (contains(tree, isAmbiguousRepeat)) return { safe: false, reason: 'nested quantifier' };
  return { safe: true };
}

export function isSafePattern(source: string): boolean {
  return checkPattern(source).safe;
}

// ------------------------------------------------------------------ syntax tree

/** A sequence of nodes; an alternation is a list of them. */
type Sequence = Node[];

type Node =
  /** Matches one character. `source` is the atom's own text; `literal` the character, when it is one. */
  | { kind: 'char'; source: string; literal?: string }
  /** `^`, `$`, `\b`, `\B`: match no character. */
  | { kind: 'assertion' }
  | { kind: 'backreference' }
  /** Any parenthesised group, lookarounds included. */
  | { kind: 'group'; alternatives: Sequence[] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

function contains(node: Node | Sequence[], test: (node: Node) => boolean): boolean {
  const children = (n: Node): Node[] =>
    n.kind === 'group' ? n.alternatives.flat() : n.kind === 'repeat' ? [n.node] : [];
  const stack: Node[] = Array.isArray(node) ? node.flat() : [node];
  while (stack.length > 0) {
    const next = stack.pop() as Node;
    if (test(next)) return true;
    stack.push(...children(next));
  }
  return false;
}

// ------------------------------------------------------------------ the check

/** A group that may repeat and whose body could split the same text into iterations in many ways. */
function isAmbiguousRepeat(node: Node): boolean {
  if (node.kind !== 'repeat' || node.max <= 1 || node.node.kind !== 'group') return false;
  const { alternatives } = node.node;
  const body = alternatives.flat();
  const nested = body.some((child) => contains(child, (n) => n.kind === 'repeat' || isAlternation(n)));
  if (!nested && alternatives.length <= 1) return false;
  return !(isSeparatedRun(alternatives) || isPrefixFreeWords(alternatives));
}

function isAlternation(node: Node): boolean {
  return node.kind === 'group' && node.alternatives.length > 1;
}

/**
 * `L1 x{m,n} L2` with L1, L2 plain characters, where the character that follows the run of `x` (the
 * first of L2, or the first of L1 when the next iteration starts there) is one `x` cannot match: the
 * run then always ends at the same place, so there is one way to split the text into iterations.
 */
function isSeparatedRun(alternatives: Sequence[]): boolean {
  if (alternatives.length !== 1) return false;
  const body = alternatives[0]!;
  const runs = body.filter((n) => n.kind === 'repeat');
  if (runs.length !== 1) return false;
  const run = runs[0] as Extract<Node, { kind: 'repeat' }>;
  if (run.node.kind !== 'char') return false;
  if (!body.every((n) => n === run || n.kind === 'char')) return false;
  const at = body.indexOf(run);
  const after = body[at + 1] ?? (at > 0 ? body[0] : undefined);
  if (after?.kind !== 'char' || after.literal === undefined) return false;
  return !matchesOneChar(run.node.source, after.literal);
}

/** `(foo|bar|baz)`: non-empty words of literal characters, none a prefix of another. */
function isPrefixFreeWords(alternatives: Sequence[]): boolean {
  const words: string[] = [];
  for (const alternative of alternatives) {
    if (alternative.length === 0) return false;
    let word = '';
    for (const node of alternative) {
      if (node.kind !== 'char' || node.literal === undefined) return false;
      word += node.literal;
    }
    words.push(word);
  }
  return words.every((word, i) => words.every((other, j) => i === j || !other.startsWith(word)));
}

/** Whether the one-character atom matches `char` (atom sources are single characters: no backtracking). */
function matchesOneChar(atomSource: string, char: string): boolean {
  try {
    return new RegExp(`^(?:${atomSource})$`, 'u').test(char);
  } catch {
    return true; // unknown: assume it overlaps, which keeps the pattern refused
  }
}

// ------------------------------------------------------------------ tokenizer + parser

/** Escapes of these characters stand for the character itself. */
const SYNTAX_CHARACTERS = new Set([...'^$\\.*+?()[]{}|/-']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };
const QUANTIFIER = /^\{(\d+)(,(\d*))?\}/;

/**
 * Recursive descent over the source (already known to compile with the `u` flag, so the grammar
 * is the ECMAScript one without Annex B leniencies). Answers undefined for anything it cannot read.
 */
class Parser {
  private index = 0;
  private readonly chars: string[];

  constructor(source: string) {
    // Code points, so a character outside the BMP is one literal.
    this.chars = Array.from(source);
  }

  parse(): Sequence[] | undefined {
    try {
      const alternatives = this.alternatives();
      return this.index === this.chars.length ? alternatives : undefined;
    } catch {
      return undefined;
    }
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.index + offset];
  }

  /** What is left of the source (patterns are at most MAX_PATTERN_LENGTH long, so this stays cheap). */
  private rest(): string {
    return this.chars.slice(this.index).join('');
  }

  private alternatives(): Sequence[] {
    const alternatives: Sequence[] = [this.sequence()];
    while (this.peek() === '|') {
      this.index += 1;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Sequence {
    const nodes: Sequence = [];
    while (this.index < this.chars.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      nodes.push(this.quantified(atom));
    }
    return nodes;
  }

  /** Wraps `atom` in a repeat when a quantifier follows (a trailing `?` only makes it lazy). */
  private quantified(atom: Node): Node {
    const c = this.peek();
    let bounds: [number, number] | undefined;
    if (c === '*') bounds = [0, Number.POSITIVE_INFINITY];
    else if (c === '+') bounds = [1, Number.POSITIVE_INFINITY];
    else if (c === '?') bounds = [0, 1];
    if (bounds) this.index += 1;
    else if (c === '{') {
      const match = QUANTIFIER.exec(this.rest());
      if (!match) throw new Error('unreadable quantifier');
      this.index += match[0].length;
      const min = Number(match[1]);
      bounds = [min, match[2] === undefined ? min : match[3] ? Number(match[3]) : Number.POSITIVE_INFINITY];
    }
    if (!bounds) return atom;
    if (this.peek() === '?') this.index += 1;
    return { kind: 'repeat', node: atom, min: bounds[0], max: bounds[1] };
  }

  private atom(): Node {
    const c = this.peek() as string;
    this.index += 1;
    switch (c) {
      case '^':
      case '$':
        return { kind: 'assertion' };
      case '.':
        return { kind: 'char', source: '.' };
      case '[':
        return this.characterClass();
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      default:
        return { kind: 'char', source: escapeLiteral(c), literal: c };
    }
  }

  /** `(…)`, `(?:…)`, `(?<name>…)`, `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)` — all read the same way. */
  private group(): Node {
    if (this.peek() === '?') {
      const opener = this.rest();
      const prefix = /^\?(?::|=|!|<=|<!|<[^>]+>)/.exec(opener);
      if (!prefix) throw new Error('unknown group');
      this.index += Array.from(prefix[0]).length;
    }
    const alternatives = this.alternatives();
    if (this.peek() !== ')') throw new Error('unclosed group');
    this.index += 1;
    return { kind: 'group', alternatives };
  }

  /** `[…]` up to the first unescaped `]` (with `u`, classes do not nest). */
  private characterClass(): Node {
    const start = this.index - 1;
    while (this.index < this.chars.length && this.peek() !== ']') {
      this.index += this.peek() === '\\' ? 2 : 1;
    }
    if (this.peek() !== ']') throw new Error('unclosed class');
    this.index += 1;
    return { kind: 'char', source: this.chars.slice(start, this.index).join('') };
  }

  private escape(): Node {
    const c = this.peek();
    if (c === undefined) throw new Error('trailing backslash');
    this.index += 1;
    if (/[1-9]/.test(c)) return { kind: 'backreference' };
    if (c === 'k') return { kind: 'backreference' };
    if (c === 'b' || c === 'B') return { kind: 'assertion' };
    if (c === 'p' || c === 'P') {
      const property = /^\{[^}]*\}/.exec(this.rest());
      if (!property) throw new Error('unreadable property escape');
      this.index += property[0].length;
      return { kind: 'char', source: `\\${c}${property[0]}` };
    }
    const literal = this.escapedLiteral(c);
    return { kind: 'char', source: literal === undefined ? `\\${c}` : escapeLiteral(literal), literal };
  }

  /** The character an escape stands for, when it stands for one (`\.`, `\n`, `\x41`, `\u{1F600}`). */
  private escapedLiteral(c: string): string | undefined {
    if (SYNTAX_CHARACTERS.has(c)) return c;
    if (c in CONTROL_ESCAPES) return CONTROL_ESCAPES[c];
    const hex =
      c === 'x'
        ? /^[0-9a-fA-F]{2}/.exec(this.rest())
        : c === 'u'
          ? /^(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})/.exec(this.rest())
          : null;
    if (hex) {
      this.index += hex[0].length;
      const code = Number.parseInt(hex[0].replace(/[{}]/g, ''), 16);
      // A lone surrogate (`\uD83D` of a pair) is not a character of its own: treat it as unknown.
      return code >= 0xd800 && code <= 0xdfff ? undefined : String.fromCodePoint(code);
    }
    if (c === 'c') this.index += 1; // \cX: a control character; its value does not matter here
    return undefined; // \d, \w, \s and friends: one character of a set
  }
}

/** The literal as regex source (only syntax characters may be escaped outside a class with `u`). */
function escapeLiteral(char: string): string {
  return /[\^$\\.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}
