/**
 * Text normalisation shared by the routing index and the parameter extractors: case and accent
 * folding, tokenisation, a light suffix-stripping stemmer and an English stop-word list.
 * Deliberately simple and dependency-free: the classifier learns which surface forms matter.
 */

/** Lower-case, strip accents (é → e), drop apostrophes so "can't" and "cant" are the same word. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '');
}

/** Words and numbers of the folded text, in order. */
export function tokenize(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

const DOUBLED_CONSONANT = /([b-df-hj-np-tv-z])\1$/;
const KEEP_DOUBLED = /(ll|ss|zz)$/;

function undouble(base: string): string {
  return DOUBLED_CONSONANT.test(base) && !KEEP_DOUBLED.test(base) ? base.slice(0, -1) : base;
}

/**
 * Strips common inflections (plural -s/-es/-ies, -ing, -ed) so "resetting", "resets" and "reset"
 * share a feature. Short words and words ending in -ss/-us/-is are left alone.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith('ed') && word.length > 4) return undouble(word.slice(0, -2));
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * Function words that say little about WHAT is asked. The classifier still sees them (inside word
 * bigrams, where "for me" vs "for ann" matters, and weighted down by IDF as unigrams); they are
 * ignored where only content matters: the lexical-evidence part of the confidence.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the is are was were be been being am i me my mine we us our you your yours it its of to in on ' +
    'for at by with and or do doe did can could would should will shall may might must please pls hey ' +
    'hi hello what how who when where which that this these those there here just so some any all ' +
    'im ive id dont cant wont need want like get got have has had let know tell show give make ' +
    'about from up out into over if then than too very really also again now thank thanks ' +
    'not no yes ok okay sure maybe'
  ).split(' '),
);

export function isStopWord(stemmedWord: string): boolean {
  return STOP_WORDS.has(stemmedWord);
}

/**
 * Same length as the input, one character per character: letters and digits folded (lower case, no
 * accent), everything else a space. Offsets found in the result are offsets in the original, so a
 * matched value can be cut out of the message before the next extractor looks at it.
 * Several extractors fold the same message in turn: the last result is kept.
 */
export function alignedFold(text: string): string {
  if (text !== lastFolded.text) lastFolded = { text, folded: foldEachCharacter(text) };
  return lastFolded.folded;
}

let lastFolded = { text: '', folded: '' };

function foldEachCharacter(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // ASCII needs no Unicode normalization: most messages are folded without it.
    out += code < 128 ? foldAscii(code) : foldOther(text[i]);
  }
  return out;
}

function foldAscii(code: number): string {
  if (code >= 65 && code <= 90) return String.fromCharCode(code + 32); // A-Z
  if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return String.fromCharCode(code);
  return ' ';
}

function foldOther(char: string): string {
  const folded = char
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const first = folded.charAt(0);
  return folded.length > 0 && /[\p{L}\p{N}]/u.test(first) ? first : ' ';
}
