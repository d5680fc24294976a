import fc from 'fast-check';
import { markdownToMrkdwn } from '../../../../src/adapters/slack/artifacts/markdown-to-mrkdwn';

describe('markdownToMrkdwn', () => {
  it.each([
    ['**bold**', '*bold*'],
    ['__bold__', '*bold*'],
    ['*italic*', '_italic_'],
    ['_italic_', '_italic_'],
    ['~~gone~~', '~gone~'],
    ['**bold with *italic* inside**', '*bold with _italic_ inside*'],
    ['a **b** and *c* and ~~d~~', 'a *b* and _c_ and ~d~'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['2 * 3 * 4', '2 * 3 * 4'],
  ])('inline %j → %j', (input, expected) => {
    expect(markdownToMrkdwn(input)).toBe(expected);
  });

  it('converts links, autolinks and images, and refuses dangerous schemes', () => {
    expect(markdownToMrkdwn('see [the docs](https://docs.example.com/a?b=1&c=2)')).toBe(
      'see <https://docs.example.com/a?b=1&amp;c=2|the docs>',
    );
    expect(markdownToMrkdwn('<https://example.com/x>')).toBe('<https://example.com/x>');
    expect(markdownToMrkdwn('![chart](https://img.example.com/c.png)')).toBe(
      '<https://img.example.com/c.png|chart>',
    );
    expect(markdownToMrkdwn('[**bold** label](https://e.example.com)')).toBe(
      '<https://e.example.com|bold label>',
    );
    expect(markdownToMrkdwn('[click](javascript:alert(1))')).toBe('[click](javascript:alert(1))');
  });

  it('turns headings into bold lines and lists into bullets', () => {
    const md = [
      '# Report',
      '## Q3 **numbers**',
      '- one',
      '* two',
      '  - nested',
      '1. first',
      '2) second',
      '- [x] done',
      '- [ ] todo',
    ].join('\n');
    expect(markdownToMrkdwn(md).split('\n')).toEqual([
      '*Report*',
      '*Q3 numbers*',
      '• one',
      '• two',
      '    ◦ nested',
      '1. first',
      '2. second',
      '• ☑ done',
      '• ☐ todo',
    ]);
  });

  it('keeps code fences (dropping the language) and inline code untouched by emphasis', () => {
    const md = [
      'Run `**not bold**` now',
      '```python',
      'x = a * b * c  # <tag> & more',
      'print("**hi**")',
      '```',
    ].join('\n');
    expect(markdownToMrkdwn(md).split('\n')).toEqual([
      'Run `**not bold**` now',
      '```',
      'x = a * b * c  # &lt;tag&gt; &amp; more',
      'print("**hi**")',
      '```',
    ]);
  });

  it('escapes &, < and > outside links so content cannot mention or link', () => {
    expect(markdownToMrkdwn('Tom & Jerry <!channel> <@U123> a > b')).toBe(
      'Tom &amp; Jerry &lt;!channel&gt; &lt;@U123&gt; a &gt; b',
    );
  });

  it('keeps quotes as quotes and turns rules into a line', () => {
    expect(markdownToMrkdwn('> quoted **text**\n\n---')).toBe('> quoted *text*\n\n──────────');
  });

  it('turns a Markdown table into an aligned code block', () => {
    const md = ['| region | revenue |', '|---|---:|', '| emea | 1200 |', '| **amer** | 3400 |'].join('\n');
    expect(markdownToMrkdwn(md).split('\n')).toEqual([
      '```',
      'region  revenue',
      '──────  ───────',
      'emea    1200',
      'amer    3400',
      '```',
    ]);
  });

  it('leaves broken markup as text and closes an unclosed fence', () => {
    expect(markdownToMrkdwn('**unclosed bold and [half link](http://x')).toBe(
      '**unclosed bold and [half link](http://x',
    );
    expect(markdownToMrkdwn('text\n```\ncode never closed')).toBe('text\n```\ncode never closed\n```');
    expect(markdownToMrkdwn('`unclosed code')).toBe('`unclosed code');
  });

  it('never throws and never lets raw <, > or & through outside links and quotes, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (input) => {
        const out = markdownToMrkdwn(input);
        // Links this produced and the quote marker at a line start are the only markup allowed.
        const withoutLinks = out
          .replace(/<(https?:\/\/|mailto:)[^<>\s]*(\|[^<>]*)?>/g, '')
          .replace(/^> /gm, '');
        expect(withoutLinks).not.toMatch(/[<>]/);
        expect(withoutLinks).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
      { numRuns: 300 },
    );
  });

  it('converts a 20,000-character document quickly', () => {
    const paragraph = 'Some **bold** and *italic* text with a [link](https://example.com/x) and `code`. ';
    const doc = Array.from(
      { length: 250 },
      (_, i) => `${i % 10 === 0 ? `## Part ${i}\n` : ''}${paragraph}`,
    ).join('\n');
    const started = Date.now();
    const out = markdownToMrkdwn(`${doc}${'*'.repeat(5000)}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(out).toContain('*Part 10*');
  });
});
