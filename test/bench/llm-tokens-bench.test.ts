import { runLlmTokenBench, TOKEN_ESTIMATE_NOTE } from '../../src/bench/llm-tokens-bench';
import type { ProcessDef } from '../../src/core/types';

const TOPICS = [
  'vpn',
  'laptop',
  'printer',
  'dashboard',
  'service',
  'database',
  'account',
  'badge',
  'mailbox',
];

function catalogFor(size: number): ProcessDef[] {
  return Array.from({ length: size }, (_, index) => {
    const topic = TOPICS[index % TOPICS.length];
    return {
      id: `${topic}-task-${index}`,
      title: `${topic} task ${index}`,
      description: `Handles ${topic} request number ${index} for staff who need help with their ${topic}.`,
      deployment: `${topic}/task-${index}`,
      examples: [`please fix my ${topic} (case ${index})`, `the ${topic} is broken again`],
      aliases: [],
      parameters: {
        ticket: { type: 'string', description: 'Ticket id' },
        urgent: { type: 'boolean', default: false },
      },
      required: ['ticket'],
      confirm: true,
      tags: [],
      source: { file: 'bench.yaml', line: index + 1 },
    };
  });
}

describe('runLlmTokenBench', () => {
  it('shows prompt tokens flat with the shortlist and growing with every process as a tool', async () => {
    const printed: string[] = [];

    const rows = await runLlmTokenBench({
      sizes: [10, 50, 150],
      catalogFor,
      print: (line) => printed.push(line),
    });

    expect(rows.map((row) => row.processes)).toEqual([10, 50, 150]);
    expect(printed.map((line) => JSON.parse(line))).toEqual(rows);
    for (const row of rows) {
      expect(row.token_estimate).toBe(TOKEN_ESTIMATE_NOTE);
      expect(row.shortlist_prompt_tokens).toBeGreaterThan(0);
      expect(row.shortlist_prompt_tokens).toBeLessThanOrEqual(row.all_tools_prompt_tokens);
    }
    const [small, , large] = rows;
    // k = 8 tools whatever the catalog: within 10% between 10 and 150 processes.
    expect(Math.abs(large.shortlist_prompt_tokens - small.shortlist_prompt_tokens)).toBeLessThan(
      small.shortlist_prompt_tokens * 0.1,
    );
    // Every process as a tool grows with the catalog: 15x the processes, well over 5x the tokens.
    expect(large.all_tools_prompt_tokens).toBeGreaterThan(5 * small.all_tools_prompt_tokens);
    expect(large.all_tools_prompt_tokens).toBeGreaterThan(5 * large.shortlist_prompt_tokens);
  });
});
