import {
  formatMonospaceTable,
  stripControlCharacters,
} from '../../../../src/adapters/slack/artifacts/monospace-table';

describe('formatMonospaceTable', () => {
  it('aligns columns under a header rule', () => {
    const { lines } = formatMonospaceTable(
      ['name', 'n'],
      [
        ['alpha', '1'],
        ['b', '22'],
      ],
    );
    expect(lines).toEqual(['name   n', '─────  ──', 'alpha  1', 'b      22']);
  });

  it('caps cell width, flattens newlines, escapes mrkdwn and neutralises fences', () => {
    const { lines } = formatMonospaceTable(null, [['a very long cell value indeed', 'x\ny', '<@U1>&```']], {
      maxColumnWidth: 10,
    });
    expect(lines).toEqual(["a very lo…  x y  &lt;@U1&gt;&amp;'''"]);
  });

  it('drops the columns that do not fit and counts them', () => {
    const row = Array.from({ length: 10 }, () => 'x'.repeat(20));
    const table = formatMonospaceTable(null, [row], { maxWidth: 70 });
    expect(table.hiddenColumns).toBe(7);
    expect(table.lines[0].length).toBeLessThanOrEqual(70);
  });
});

describe('stripControlCharacters', () => {
  it('replaces control characters, keeping the ones asked for', () => {
    expect(stripControlCharacters('a\u0000b\u0007c\nd\te\u007f', '', '\n\t')).toBe('abc\nd\te');
    expect(stripControlCharacters('a\nb', ' ')).toBe('a b');
  });
});
