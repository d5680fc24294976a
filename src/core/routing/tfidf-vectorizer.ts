/**
 * TF-IDF with sublinear term frequency and L2 normalisation over a vocabulary learned from the
 * training texts. Features never seen in training are dropped at query time (they carry no weight).
 */
import type { FeatureCounts } from './text-features';

/** Parallel arrays: feature ids and their weights (unit L2 norm). */
export interface SparseVector {
  ids: Int32Array;
  values: Float32Array;
}

export interface TfidfVectorizer {
  /** Number of features in the vocabulary. */
  readonly size: number;
  vectorize(counts: FeatureCounts): SparseVector;
}

export interface FittedTfidf {
  vectorizer: TfidfVectorizer;
  /** The training documents, vectorised (same order). */
  vectors: SparseVector[];
}

export function fitTfidf(documents: readonly FeatureCounts[]): FittedTfidf {
  const vocabulary = new Map<number, number>();
  const documentFrequency: number[] = [];
  const documentIds = documents.map((counts) => {
    const ids = new Int32Array(counts.size);
    let j = 0;
    for (const feature of counts.keys()) {
      let id = vocabulary.get(feature);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(feature, id);
        documentFrequency.push(0);
      }
      documentFrequency[id] += 1;
      ids[j] = id;
      j += 1;
    }
    return ids;
  });
  const total = documents.length;
  // Smoothed IDF (as in scikit-learn): rare features weigh more, none weighs zero.
  const idf = Float32Array.from(documentFrequency, (df) => Math.log((total + 1) / (df + 1)) + 1);

  const weigh = (ids: Int32Array, counts: Iterable<number>): SparseVector => {
    const values = new Float32Array(ids.length);
    let squared = 0;
    let j = 0;
    for (const count of counts) {
      const weight = (1 + Math.log(count)) * idf[ids[j]];
      values[j] = weight;
      squared += weight * weight;
      j += 1;
    }
    const norm = Math.sqrt(squared) || 1;
    for (let i = 0; i < values.length; i += 1) values[i] /= norm;
    return { ids, values };
  };

  const vectorizer: TfidfVectorizer = {
    size: vocabulary.size,
    vectorize(counts) {
      const ids: number[] = [];
      const known: number[] = [];
      for (const [feature, count] of counts) {
        const id = vocabulary.get(feature);
        if (id === undefined) continue;
        ids.push(id);
        known.push(count);
      }
      return weigh(Int32Array.from(ids), known);
    },
  };
  return { vectorizer, vectors: documents.map((counts, n) => weigh(documentIds[n], counts.values())) };
}
