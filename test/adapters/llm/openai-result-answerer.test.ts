/** The result answerer against the fake OpenAI-compatible server, with the real OpenAI client. */
import OpenAI from 'openai';
import { createOpenAiResultAnswerer } from '../../../src/adapters/llm/openai-result-answerer';
import { FlowdeskError } from '../../../src/core/errors';
import type { ChatPromptMessage } from '../../../src/core/ports';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../fakes/fake-openai-server';
import { MemoryLogger } from '../../fakes/silent-logger';

const MESSAGES: ChatPromptMessage[] = [
  { role: 'system', content: 'You answer questions about one finished Prefect flow run.' },
  {
    role: 'user',
    content: '```run-data\n## Run\nstate: COMPLETED\n```\n\nQuestion about this run: how did it go?',
  },
];

describe('createOpenAiResultAnswerer', () => {
  let fake: FakeOpenAiServer;
  const usage: Array<{ promptTokens: number; model: string }> = [];

  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
  });
  afterAll(() => fake.close());

  function answerer(apiKey = fake.apiKey, logger = new MemoryLogger()) {
    return createOpenAiResultAnswerer({
      client: new OpenAI({ apiKey, baseURL: fake.baseURL, maxRetries: 0 }),
      model: 'gpt-test',
      logger,
      timeoutMs: 2000,
      maxRetries: 1,
      sleep: async () => {},
      onUsage: (u) => usage.push(u),
    });
  }

  it('sends the messages without tools and returns the model’s Markdown with its usage', async () => {
    fake.text('  The run **completed** in 3 minutes.  ');
    const before = fake.requests.length;
    const result = await answerer().answer(MESSAGES);
    expect(result.markdown).toBe('The run **completed** in 3 minutes.');
    expect(result.usage?.promptTokens).toBeGreaterThan(0);
    const body = fake.requests[before].body;
    expect(body.model).toBe('gpt-test');
    expect(body.tools).toBeUndefined();
    expect(body.messages).toEqual(MESSAGES);
    expect(body.max_completion_tokens).toBe(800);
    expect(usage.at(-1)?.model).toBe('gpt-test');
  });

  it('retries a 500 once, then gives up with llm_unavailable', async () => {
    fake.status(500).text('Recovered answer.');
    expect((await answerer().answer(MESSAGES)).markdown).toBe('Recovered answer.');
    fake.status(500).status(503);
    await expect(answerer().answer(MESSAGES)).rejects.toMatchObject({ code: 'llm_unavailable' });
  });

  it('gives up with llm_unavailable within its overall budget when the model hangs', async () => {
    fake.hang(5_000);
    const before = fake.requests.length;
    const budgeted = createOpenAiResultAnswerer({
      client: new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseURL, maxRetries: 0 }),
      model: 'gpt-test',
      logger: new MemoryLogger(),
      timeoutMs: 5_000,
      maxRetries: 1,
      budgetMs: 300,
      sleep: async () => {},
    });
    const started = Date.now();
    await expect(budgeted.answer(MESSAGES)).rejects.toMatchObject({ code: 'llm_unavailable' });
    expect(Date.now() - started).toBeLessThan(600);
    expect(fake.requests.length - before).toBe(1);
  });

  it('never passes on the provider’s message (a 401 echoes part of the key)', async () => {
    const logger = new MemoryLogger();
    const secretKey = 'sk-wrong-key-abcdef123456';
    const error = await answerer(secretKey, logger)
      .answer(MESSAGES)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowdeskError);
    expect((error as FlowdeskError).code).toBe('llm_unavailable');
    const everything = JSON.stringify([
      (error as Error).message,
      (error as FlowdeskError).details,
      logger.entries,
    ]);
    expect(everything).not.toContain('abcdef123456');
    expect(everything).not.toContain('Incorrect API key');
  });

  it('rejects an empty answer or a refusal as llm_invalid_output', async () => {
    fake.text('   ');
    await expect(answerer().answer(MESSAGES)).rejects.toMatchObject({ code: 'llm_invalid_output' });
    fake.refusal('I cannot help with that.');
    await expect(answerer().answer(MESSAGES)).rejects.toMatchObject({ code: 'llm_invalid_output' });
  });
});
