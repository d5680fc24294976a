/**
 * Turns a message into sparse count features for the routing index:
 * - stemmed word unigrams and bigrams (with sentence boundaries), which carry the phrasing. Stop
 *   words are kept here: "for me" vs "for ann", "what is" vs "set" matter to intent, and IDF
 *   already weighs frequent words down;
 * - character 3–5-grams inside each word, which survive typos and unseen inflections
 *   ("pasword", "dashboards").
 * Numbers are reduced to their shape ("q3" → "q0", "2024" → "0") so the model learns
 * "a number is here" rather than memorising values.
 *
 * Features are 30-bit hashes rather than strings: building an index reads ~1.5 million n-grams for
 * 150 processes, and hashing character codes in place avoids allocating (and re-hashing) a string
 * for each. Values stay below 2^30 so V8 keeps them as small integers. A collision merely merges
 * two rare features.
 */
import { isStopWord, stem, tokenize } from './normalize-text';

/** feature hash → count */
export type FeatureCounts = Map<number, number>;

const CHAR_MIN = 3;
const CHAR_MAX = 5;
const HASH_MASK = 0x3fffffff;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Distinct seeds per feature family, so "w:ab" and "c:ab" never share a hash by construction. */
const WORD_SEED = 0x1234567;
const BIGRAM_SEED = 0x2345678;
const CHAR_SEED = 0x3456789;
const SPACE = 32;

function hashString(text: string, seed: number): number {
  let hash = (FNV_OFFSET ^ seed) | 0;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

function finish(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h & HASH_MASK;
}

function numberShape(token: string): string {
  return /\d/.test(token) ? token.replace(/\d+/g, '0') : token;
}

function add(counts: FeatureCounts, feature: number): void {
  counts.set(feature, (counts.get(feature) ?? 0) + 1);
}

const SENTENCE_START = hashString('<s>', WORD_SEED);
const SENTENCE_END = hashString('</s>', WORD_SEED);

function addWordFeatures(counts: FeatureCounts, stems: readonly string[]): void {
  const hashes = stems.map((word) => hashString(word, WORD_SEED));
  for (const hash of hashes) add(counts, finish(hash));
  const bounded = [SENTENCE_START, ...hashes, SENTENCE_END];
  for (let i = 0; i + 1 < bounded.length; i += 1) {
    add(counts, finish(Math.imul(bounded[i] ^ BIGRAM_SEED, FNV_PRIME) ^ bounded[i + 1]));
  }
}

/** Character n-grams of " token " (padded, so prefixes and suffixes are their own features). */
function addCharFeatures(counts: FeatureCounts, token: string): void {
  const length = token.length + 2;
  const code = (i: number) => (i === 0 || i === length - 1 ? SPACE : token.charCodeAt(i - 1));
  for (let start = 0; start + CHAR_MIN <= length; start += 1) {
    let hash = (FNV_OFFSET ^ CHAR_SEED) | 0;
    for (let i = start; i < start + CHAR_MAX && i < length; i += 1) {
      hash = Math.imul(hash ^ code(i), FNV_PRIME);
      if (i - start + 1 >= CHAR_MIN) add(counts, finish(hash));
    }
  }
}

/** Word unigrams and bigrams: the nearest-example (lexical evidence) space. */
export function wordFeatures(text: string): FeatureCounts {
  const counts: FeatureCounts = new Map();
  addWordFeatures(
    counts,
    tokenize(text).map((token) => stem(numberShape(token))),
  );
  return counts;
}

/** Word unigrams and bigrams plus character n-grams: what the classifier learns from. */
export function classifierFeatures(text: string): FeatureCounts {
  const tokens = tokenize(text).map(numberShape);
  const counts: FeatureCounts = new Map();
  addWordFeatures(counts, tokens.map(stem));
  for (const token of tokens) addCharFeatures(counts, token);
  return counts;
}

/** Content words only (stop words removed) and their bigrams: "does the message say what an example says". */
export function contentFeatures(text: string): FeatureCounts {
  const counts: FeatureCounts = new Map();
  const content = tokenize(text)
    .map((token) => stem(numberShape(token)))
    .filter((word) => !isStopWord(word) && !/^\d+$/.test(word));
  const hashes = content.map((word) => hashString(word, WORD_SEED));
  for (const hash of hashes) add(counts, finish(hash));
  for (let i = 0; i + 1 < hashes.length; i += 1) {
    add(counts, finish(Math.imul(hashes[i] ^ BIGRAM_SEED, FNV_PRIME) ^ hashes[i + 1]));
  }
  return counts;
}
