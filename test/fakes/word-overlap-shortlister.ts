import type { Shortlister } from '../../src/core/ports';
import type { ProcessDef } from '../../src/core/types';

/**
 * A simple deterministic Shortlister: scores a process by the words it shares with the text (title,
 * description, examples, id). Ties keep catalog order. Records every call so tests can check what was asked.
 */
export class WordOverlapShortlister implements Shortlister {
  readonly calls: Array<{ text: string; candidateIds: string[]; k: number }> = [];

  shortlist(text: string, candidates: readonly ProcessDef[], k: number) {
    this.calls.push({ text, candidateIds: candidates.map((process) => process.id), k });
    const words = wordsOf(text);
    return candidates
      .map((process, index) => ({ process, index, score: overlap(words, process) }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, k)
      .map(({ process, score }) => ({ process, score }));
  }
}

function overlap(words: Set<string>, process: ProcessDef): number {
  const own = wordsOf([process.id, process.title, process.description, ...process.examples].join(' '));
  let shared = 0;
  for (const word of words) if (own.has(word)) shared += 1;
  return shared;
}

function wordsOf(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 2),
  );
}
