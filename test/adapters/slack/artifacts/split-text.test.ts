import fc from 'fast-check';
import { markdownToMrkdwn } from '../../../../src/adapters/slack/artifacts/markdown-to-mrkdwn';
import { hardSplit, splitMrkdwn } from '../../../../src/adapters/slack/artifacts/split-text';

const fences = (text: string) => text.split('```').length - 1;
const words = (text: string) => text.replace(/```/g, ' ').split(/\s+/).filter(Boolean);

/** A realistic long report: headings, paragraphs, lists and code blocks, about 20,000 characters. */
function longMarkdown(): string {
  const parts: string[] = [];
  for (let i = 0; parts.join('\n\n').length < 21_000; i += 1) {
    parts.push(`## Section ${i}`);
    parts.push(
      `Paragraph ${i}: the **load** of _partition_ ${i} finished with [details](https://example.com/p/${i}). `.repeat(
        4,
      ),
    );
    parts.push(`- item ${i}.a\n- item ${i}.b & more`);
    if (i % 3 === 0)
      parts.push(`\`\`\`sql\nSELECT * FROM orders_${i} WHERE amount > 10;\n-- comment ${i}\n\`\`\``);
  }
  return parts.join('\n\n');
}

describe('splitMrkdwn', () => {
  it('returns short text as one chunk and nothing for blank text', () => {
    expect(splitMrkdwn('hello')).toEqual(['hello']);
    expect(splitMrkdwn('  \n ')).toEqual([]);
  });

  it('splits a 20,000-character document into valid sections without losing a word', () => {
    const mrkdwn = markdownToMrkdwn(longMarkdown());
    expect(mrkdwn.length).toBeGreaterThan(20_000);
    const chunks = splitMrkdwn(mrkdwn, 3000);
    expect(chunks.length).toBeGreaterThanOrEqual(7);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(3000);
      expect(chunk.trim()).not.toBe('');
      expect(fences(chunk) % 2).toBe(0);
    }
    expect(words(chunks.join('\n'))).toEqual(words(mrkdwn));
  });

  it('cuts at paragraph boundaries rather than inside a paragraph', () => {
    const paragraphs = Array.from(
      { length: 6 },
      (_, i) => `${String(i).repeat(5)} ${'word '.repeat(20).trim()}`,
    );
    const chunks = splitMrkdwn(paragraphs.join('\n\n'), 250);
    for (const chunk of chunks) {
      for (const paragraph of chunk.split('\n\n')) expect(paragraphs).toContain(paragraph);
    }
  });

  it('moves a code block whole to the next chunk when it fits there', () => {
    const text = `${'intro '.repeat(30).trim()}\n\`\`\`\n${'code line\n'.repeat(10)}\`\`\``;
    const chunks = splitMrkdwn(text, 200);
    expect(chunks).toHaveLength(2);
    expect(chunks[1].startsWith('```')).toBe(true);
    expect(chunks[1].endsWith('```')).toBe(true);
  });

  it('closes and reopens a code block that is longer than a chunk', () => {
    const code = Array.from({ length: 100 }, (_, i) => `line ${i} of the log`).join('\n');
    const chunks = splitMrkdwn(`\`\`\`\n${code}\n\`\`\``, 500);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(500);
      expect(chunk.startsWith('```\n')).toBe(true);
      expect(chunk.endsWith('\n```')).toBe(true);
    }
    expect(chunks.join('\n').match(/line \d+ of the log/g)).toHaveLength(100);
  });

  it('cuts an over-long line at a space, never inside an entity or a link', () => {
    const inLink = `${'a'.repeat(93)}&amp;<https://example.com/x|link> ${'b'.repeat(50)}`;
    const linkParts = hardSplit(inLink, 100);
    expect(linkParts.join('')).toBe(inLink);
    expect(linkParts[0]).toBe(`${'a'.repeat(93)}&amp;`);
    expect(linkParts[1].startsWith('<https://example.com/x|link>')).toBe(true);
    const inEntity = `${'a'.repeat(97)}&amp;${'b'.repeat(50)}`;
    const entityParts = hardSplit(inEntity, 100);
    expect(entityParts).toEqual(['a'.repeat(97), `&amp;${'b'.repeat(50)}`]);
    const spaced = `${'word '.repeat(30)}`;
    for (const part of hardSplit(spaced, 42)) {
      expect(part.length).toBeLessThanOrEqual(42);
      expect(part.startsWith('word')).toBe(true);
    }
  });

  it('always yields chunks within the limit with balanced fences (property)', () => {
    const piece = fc.constantFrom(
      'word ',
      'x'.repeat(70),
      '\n',
      '\n\n',
      '\n```\n',
      '&amp;',
      '<https://e.x/a|l>',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), fc.integer({ min: 40, max: 400 }), (pieces, max) => {
        const text = pieces.join('');
        for (const chunk of splitMrkdwn(text, max)) {
          expect(chunk.length).toBeLessThanOrEqual(max);
          if (text.length > max) expect(fences(chunk) % 2).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
