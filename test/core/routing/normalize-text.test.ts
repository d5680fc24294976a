import { alignedFold, foldText, isStopWord, stem, tokenize } from '../../../src/core/routing/normalize-text';
import { classifierFeatures, contentFeatures, wordFeatures } from '../../../src/core/routing/text-features';

describe('text normalisation', () => {
  it('folds case, accents and apostrophes', () => {
    expect(foldText("Can't RÉSUMÉ Ça")).toBe('cant resume ca');
    expect(tokenize('Restart payments-api, Q3 2024!')).toEqual(['restart', 'payments', 'api', 'q3', '2024']);
  });

  it('keeps offsets when folding for extraction', () => {
    const text = 'Mettre à jour «Prod» ✓';
    const folded = alignedFold(text);
    expect(folded).toHaveLength(text.length);
    expect(folded).toBe('mettre a jour  prod   ');
  });

  it('folds every ASCII character (its fast path) as Unicode folding does', () => {
    const unicodeFold = (char: string) => {
      const folded = char
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .charAt(0);
      return /[\p{L}\p{N}]/u.test(folded) ? folded : ' ';
    };
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join('');
    expect(alignedFold(ascii)).toBe([...ascii].map(unicodeFold).join(''));
    // The same text twice (the last fold is kept), then another: each gets its own fold.
    expect(alignedFold('Zürich-Q3')).toBe('zurich q3');
    expect(alignedFold('Zürich-Q3')).toBe('zurich q3');
    expect(alignedFold('ÉTÉ 2024')).toBe('ete 2024');
  });

  it('strips common inflections', () => {
    expect(['resets', 'resetting', 'reset'].map(stem)).toEqual(['reset', 'reset', 'reset']);
    expect(['dashboards', 'queries', 'locked', 'access', 'status', 'analysis'].map(stem)).toEqual([
      'dashboard',
      'query',
      'lock',
      'access',
      'status',
      'analysis',
    ]);
    expect(stem('q3')).toBe('q3');
  });

  it('knows function words', () => {
    expect(isStopWord('the')).toBe(true);
    expect(isStopWord('vpn')).toBe(false);
  });
});

describe('text features', () => {
  it('counts words, bigrams and character n-grams deterministically', () => {
    const a = classifierFeatures('reset my vpn');
    expect(classifierFeatures('Reset my VPN')).toEqual(a);
    // 3 words + 4 bigrams (with boundaries) + char 3-5-grams of " reset ", " my ", " vpn ".
    expect(wordFeatures('reset my vpn').size).toBe(7);
    expect(a.size).toBeGreaterThan(7);
    for (const feature of a.keys()) expect(feature).toBeLessThan(2 ** 30);
  });

  it('reduces numbers to their shape', () => {
    expect(wordFeatures('refresh Q3')).toEqual(wordFeatures('refresh Q4'));
  });

  it('shares character n-grams between a typo and the word', () => {
    const typo = classifierFeatures('pasword');
    const shared = [...classifierFeatures('password').keys()].filter((feature) => typo.has(feature));
    expect(shared.length).toBeGreaterThan(3);
  });

  it('leaves function words and bare numbers out of content features', () => {
    expect(contentFeatures('can you do it for me please').size).toBe(0);
    expect(contentFeatures('schedule a 1:1').size).toBe(1);
  });
});
