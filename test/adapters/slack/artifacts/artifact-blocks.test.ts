import type { types } from '@slack/bolt';
import { renderArtifactBlocks } from '../../../../src/adapters/slack/artifacts/artifact-blocks';
import type { RunArtifact } from '../../../../src/core/ports';
import { validateBlocks } from '../../../fakes/fake-slack-server';

const RUN_URL = 'https://prefect.example.com/runs/flow-run/7f1c';
const RUN_LINK = `<${RUN_URL}|see the run in Prefect>`;

type Obj = Record<string, unknown>;
const textOf = (block: types.KnownBlock): string => {
  const b = block as unknown as Obj;
  if (b.text) return String((b.text as Obj).text);
  if (Array.isArray(b.elements)) return (b.elements as Obj[]).map((e) => String(e.text)).join(' ');
  return '';
};
const allText = (blocks: types.KnownBlock[]) => blocks.map(textOf).join('\n');

function expectValid(blocks: types.KnownBlock[], max = 50): void {
  expect(validateBlocks(blocks as unknown[], max)).toEqual([]);
  for (const block of blocks) {
    if (block.type === 'section') expect(Array.from(textOf(block)).length).toBeLessThanOrEqual(3000);
  }
}

function table(key: string, rows: number, columns = 3): RunArtifact {
  const data = Array.from({ length: rows }, (_, i) =>
    Object.fromEntries(Array.from({ length: columns }, (_, c) => [`col_${c}`, `r${i}c${c}`])),
  );
  return { id: `t-${key}`, key, type: 'table', data: JSON.stringify(data), description: 'Rows **loaded**' };
}

describe('renderArtifactBlocks: tables', () => {
  it('renders a 500-row table within Block Kit limits, with "n more rows" and the run link', () => {
    const blocks = renderArtifactBlocks([table('orders', 500)], { runUrl: RUN_URL, maxBlocks: 45 });
    expectValid(blocks);
    expect(blocks).toHaveLength(1);
    const text = textOf(blocks[0]);
    expect(text.startsWith('*orders* — Rows *loaded*\n```\n')).toBe(true);
    expect(text).toContain('col_0  col_1  col_2\n─────  ─────  ─────\nr0c0   r0c1   r0c2');
    expect(text).toContain('r19c0');
    expect(text).not.toContain('r20c0');
    expect(text).toContain(`… 480 more rows — ${RUN_LINK}`);
  });

  it('drops rows until a wide table fits one section, and columns beyond the width', () => {
    const wide: RunArtifact = {
      id: 'w',
      key: 'wide',
      type: 'table',
      data: JSON.stringify(
        Array.from({ length: 500 }, (_, i) =>
          Object.fromEntries(Array.from({ length: 30 }, (_, c) => [`c${c}`, `${'v'.repeat(60)}${i}`])),
        ),
      ),
    };
    const blocks = renderArtifactBlocks([wide], { runUrl: RUN_URL, maxBlocks: 10 });
    expectValid(blocks);
    const text = textOf(blocks[0]);
    const codeLines = text.split('```')[1].split('\n').filter(Boolean);
    for (const line of codeLines) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).toMatch(/… \d+ more rows, \d+ more columns — /);
  });

  it('reads all three Prefect table shapes', () => {
    const columns: RunArtifact = {
      id: 'c',
      key: 'by-column',
      type: 'table',
      data: JSON.stringify({ a: [1, 2], b: ['x', null] }),
    };
    const lists: RunArtifact = {
      id: 'l',
      key: 'lists',
      type: 'table',
      data: [
        [1, 'one'],
        [2, 'two'],
      ],
    };
    const blocks = renderArtifactBlocks([columns, lists], { maxBlocks: 10 });
    expectValid(blocks);
    expect(textOf(blocks[0])).toContain('a  b\n─  ─\n1  x\n2');
    expect(textOf(blocks[1])).toContain('```\n1  one\n2  two\n```');
  });

  it('notes an unreadable table and an empty one instead of failing', () => {
    const broken: RunArtifact = { id: 'b', key: 'broken', type: 'table', data: '{"not": json' };
    const empty: RunArtifact = { id: 'e', key: 'empty', type: 'table', data: '[]' };
    const blocks = renderArtifactBlocks([broken, empty], { runUrl: RUN_URL, maxBlocks: 10 });
    expectValid(blocks);
    expect(textOf(blocks[0])).toBe(
      `:grey_question: *broken* is a table that could not be read — ${RUN_LINK}`,
    );
    expect(textOf(blocks[1])).toBe('*empty*\n_empty table_');
  });

  it("uses Slack's table block for the first table when asked (one per message)", () => {
    const blocks = renderArtifactBlocks([table('first', 500), table('second', 5)], {
      runUrl: RUN_URL,
      maxBlocks: 10,
      tables: 'native',
    });
    expectValid(blocks);
    const native = blocks.filter((b) => b.type === 'table') as types.TableBlock[];
    expect(native).toHaveLength(1);
    const rows = native[0].rows as types.RawTextElement[][];
    expect(rows).toHaveLength(21);
    expect(rows[0].map((c) => c.text)).toEqual(['col_0', 'col_1', 'col_2']);
    for (const row of rows) for (const cell of row) expect(cell.text.length).toBeGreaterThan(0);
    expect(allText(blocks)).toContain(`… 480 more rows — ${RUN_LINK}`);
    expect(allText(blocks)).toContain('*second* — Rows *loaded*\n```');
  });
});

describe('renderArtifactBlocks: markdown, links, images, unknown', () => {
  it('converts markdown and splits a long document into capped sections', () => {
    const long = Array.from(
      { length: 400 },
      (_, i) => `Paragraph ${i} with **bold** text and more words to fill the line.`,
    ).join('\n\n');
    const blocks = renderArtifactBlocks([{ id: 'm', key: 'report', type: 'markdown', data: long }], {
      runUrl: RUN_URL,
      maxBlocks: 20,
    });
    expectValid(blocks);
    expect(blocks.filter((b) => b.type === 'section')).toHaveLength(4);
    expect(textOf(blocks[0]).startsWith('*report*\nParagraph 0 with *bold* text')).toBe(true);
    expect(textOf(blocks[4])).toBe(
      `… the rest of *report* is not shown — <${RUN_URL}|open the run in Prefect>`,
    );
  });

  it('renders a link artifact as a section with a button (text within 75 characters)', () => {
    const link: RunArtifact = {
      id: 'l',
      key: 'dashboard-url',
      type: 'markdown',
      data: `[${'Quarterly sales dashboard '.repeat(5).trim()}](https://bi.example.com/d/sales?q=3&y=2025)`,
      description: 'Refreshed dashboard',
    };
    const [block] = renderArtifactBlocks([link], { maxBlocks: 5 }) as types.SectionBlock[];
    expectValid([block]);
    expect(textOf(block)).toBe('*dashboard-url* — Refreshed dashboard');
    const buttonElement = block.accessory as types.Button;
    expect(buttonElement.type).toBe('button');
    expect(buttonElement.url).toBe('https://bi.example.com/d/sales?q=3&y=2025');
    expect(Array.from(buttonElement.text.text).length).toBeLessThanOrEqual(75);
    expect(buttonElement.action_id).toBe('flowdesk_open_link');
  });

  it('renders type "link" with a bare URL, and notes a link that is not http(s)', () => {
    const bare: RunArtifact = {
      id: 'b',
      key: 'file',
      type: 'link',
      data: 'https://files.example.com/out/report.csv',
    };
    const bad: RunArtifact = { id: 'x', key: 'evil', type: 'link', data: '[click](javascript:alert(1))' };
    const blocks = renderArtifactBlocks([bare, bad], { maxBlocks: 5 });
    expectValid(blocks);
    expect(((blocks[0] as types.SectionBlock).accessory as types.Button).text.text).toBe('report.csv');
    expect(textOf(blocks[1])).toContain('*evil* is a link that is not an http(s) URL');
  });

  it('shows https images as image blocks and skips anything else with a note', () => {
    const good: RunArtifact = {
      id: 'g',
      key: 'chart',
      type: 'image',
      data: 'https://img.example.com/c.png',
      description: 'Revenue',
    };
    const plainHttp: RunArtifact = {
      id: 'h',
      key: 'old-chart',
      type: 'image',
      data: 'http://img.example.com/c.png',
    };
    const garbage: RunArtifact = { id: 'z', key: 'nothing', type: 'image', data: 42 };
    const blocks = renderArtifactBlocks([good, plainHttp, garbage], { runUrl: RUN_URL, maxBlocks: 10 });
    expectValid(blocks);
    expect(blocks[0]).toEqual({
      type: 'image',
      image_url: 'https://img.example.com/c.png',
      alt_text: 'Revenue',
      title: { type: 'plain_text', text: 'chart', emoji: true },
    });
    expect(textOf(blocks[1])).toBe(
      `:grey_question: *old-chart* image skipped: not an https URL — ${RUN_LINK}`,
    );
    expect(textOf(blocks[2])).toContain('image skipped: not an https URL');
    const asLinks = renderArtifactBlocks([good], { maxBlocks: 5, images: 'link' });
    expect(asLinks[0].type).toBe('section');
    expect(textOf(asLinks[0])).toContain('<https://img.example.com/c.png|chart>');
  });

  it('notes an unknown artifact type and renders odd data without throwing', () => {
    const odd: RunArtifact[] = [
      { id: 'u', key: 'result', type: 'result', data: { storage_key: 's3://bucket/key' } },
      { id: 'n', key: null, type: 'markdown', data: null },
      { id: 'o', key: 'obj', type: 'markdown', data: { nested: ['<!channel>'] } },
      { id: 'p', key: 'p', type: 'progress', data: 'NaN' },
    ];
    const blocks = renderArtifactBlocks(odd, { runUrl: RUN_URL, maxBlocks: 10 });
    expectValid(blocks);
    expect(textOf(blocks[0])).toBe(
      `:grey_question: *result* a _result_ artifact is not shown here — ${RUN_LINK}`,
    );
    expect(textOf(blocks[1])).toContain('An artifact is empty');
    expect(allText(blocks)).not.toContain('<!channel>');
  });
});

describe('renderArtifactBlocks: budget', () => {
  it('stays within maxBlocks and ends with "n more results" and the run link', () => {
    const many = Array.from(
      { length: 30 },
      (_, i): RunArtifact => ({ id: `m${i}`, key: `note-${i}`, type: 'markdown', data: `note ${i}` }),
    );
    const blocks = renderArtifactBlocks(many, { runUrl: RUN_URL, maxBlocks: 10, hiddenArtifacts: 5 });
    expectValid(blocks, 10);
    expect(blocks).toHaveLength(10);
    expect(textOf(blocks[9])).toBe(`… 26 more results — ${RUN_LINK}`);
  });

  it('cuts a long markdown artifact to the room left instead of dropping it', () => {
    const long = 'word '.repeat(4000);
    const blocks = renderArtifactBlocks(
      [
        { id: 'a', key: 'short', type: 'markdown', data: 'hello' },
        { id: 'b', key: 'long', type: 'markdown', data: long },
        { id: 'c', key: 'after', type: 'markdown', data: 'bye' },
      ],
      { runUrl: RUN_URL, maxBlocks: 4 },
    );
    expectValid(blocks, 4);
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context', 'context']);
    expect(textOf(blocks[2])).toContain('the rest of *long* is not shown');
    expect(textOf(blocks[3])).toBe(`… 1 more result — ${RUN_LINK}`);
  });

  it('returns nothing when there is no room', () => {
    expect(renderArtifactBlocks([table('t', 3)], { maxBlocks: 0 })).toEqual([]);
  });
});
