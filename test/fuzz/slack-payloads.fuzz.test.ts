/**
 * Property-based fuzzing of the pure functions that read what Slack sends: the `/flowdesk` text,
 * the edit modal's block ids and `view.state.values`, the reject reason, engine errors placed on
 * inputs, and message text. None may throw on any input: a submission that cannot be used becomes
 * a clear, per-input error (or is ignored), never an exception that Bolt turns into a failed request.
 */
import fc from 'fast-check';
import {
  errorsByBlockId,
  paramBlockId,
  parseEditSubmission,
  parseParamBlockId,
  type SubmittedElement,
} from '../../src/adapters/slack/blocks/edit-modal';
import { readRejectReason } from '../../src/adapters/slack/blocks/reject-modal';
import type { FieldKind } from '../../src/adapters/slack/blocks/schema-fields';
import { mentionsUser, toPlainText } from '../../src/adapters/slack/slack-text';
import { parseSlashCommand } from '../../src/adapters/slack/slash-command';
import { isFlowdeskError } from '../../src/core/errors';

const SEED = 20_261_125;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const KINDS: FieldKind[] = [
  'string',
  'integer',
  'number',
  'boolean',
  'date',
  'datetime',
  'enum',
  'multi',
  'lines',
  'json',
];
const SUBCOMMANDS = ['help', '?', 'list', 'runs', 'status', 'cancel', 'reload', 'whoami', 'approvals'];
const KNOWN_KINDS = [...SUBCOMMANDS.filter((s) => s !== '?'), 'unknown', 'missing_argument'];

/** Runs `fn`; a FlowdeskError with a userMessage is an allowed answer, anything else thrown fails. */
function noThrow<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (isFlowdeskError(error) && error.userMessage.trim() !== '') return undefined;
    throw new Error(
      `${what} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
}

const codePoints = (text: string) => Array.from(text).length;

// ------------------------------------------------------------------ /flowdesk text

/** Whitespace as people (and Slack clients) type it, including non-breaking and wide spaces. */
const space = fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2003', '\u3000');
const requestId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,40}$/);
/** The word with each letter upper- or lower-case at random (sub-commands are case-insensitive). */
const randomCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

describe('/flowdesk text under fuzzing', () => {
  it('never throws on any text, and every answer is one the command listener handles', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .array(
          fc.oneof(fc.constantFrom(...SUBCOMMANDS, 'all', '`', '```'), space, fc.string({ maxLength: 12 })),
          {
            maxLength: 12,
          },
        )
        .map((parts) => parts.join('')),
      // Long texts (Slack allows a few thousand characters in a command).
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 30 }), fc.integer({ min: 50, max: 200 }))
        .map(([t, n]) => t.repeat(n)),
    );
    fc.assert(
      fc.property(text, (input) => {
        const parsed = noThrow('parseSlashCommand', () => parseSlashCommand(input))!;
        expect(KNOWN_KINDS).toContain(parsed.kind);
        if (parsed.kind === 'status' || parsed.kind === 'cancel') {
          expect(parsed.id).toMatch(ID_PATTERN);
          expect(input).toContain(parsed.id);
        }
        if (parsed.kind === 'unknown') {
          expect(codePoints(parsed.input)).toBeLessThanOrEqual(100);
          expect(input.trim().startsWith(parsed.input.replace(/…$/, ''))).toBe(true);
        }
        if (input.trim() === '') expect(parsed.kind).toBe('help');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('reads every well-formed command whatever the case, spacing and backticks', () => {
    const command = fc.oneof(
      fc.record({ sub: fc.constantFrom('status', 'cancel'), id: requestId, ticks: fc.boolean() }),
      fc.record({
        sub: fc.constantFrom('list', 'reload', 'whoami', 'approvals', 'help'),
        id: fc.constant(undefined),
      }),
      fc.record({ sub: fc.constant('runs'), id: fc.constantFrom(undefined, 'all', 'ALL') }),
    );
    const typed = command.chain((cmd) => randomCase(cmd.sub).map((sub) => ({ ...cmd, typed: sub })));
    fc.assert(
      fc.property(typed, fc.array(space, { minLength: 3, maxLength: 3 }), (cmd, [a, b, c]) => {
        const sub = cmd.typed;
        const arg = cmd.id === undefined ? '' : 'ticks' in cmd && cmd.ticks ? `\`${cmd.id}\`` : cmd.id;
        const parsed = parseSlashCommand(`${a}${sub}${arg ? `${b}${arg}` : ''}${c}`);
        if (cmd.sub === 'status' || cmd.sub === 'cancel')
          expect(parsed).toEqual({ kind: cmd.sub, id: cmd.id });
        else if (cmd.sub === 'runs') expect(parsed).toEqual({ kind: 'runs', all: cmd.id !== undefined });
        else expect(parsed).toEqual({ kind: cmd.sub });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('never accepts an id outside the id pattern for status or cancel', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('status', 'cancel').chain(randomCase),
        fc.string({ maxLength: 200 }),
        (sub, id) => {
          const parsed = parseSlashCommand(`${sub} ${id}`);
          if (parsed.kind === 'status' || parsed.kind === 'cancel') expect(parsed.id).toMatch(ID_PATTERN);
          else expect(['unknown', 'missing_argument']).toContain(parsed.kind);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

// ------------------------------------------------------------------ edit modal block ids and state

/** Parameter names short enough that their block id is not clamped to Slack's 255 characters. */
const fieldName = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((name) => `param|datetime|${name}`.length <= 255);

describe('edit modal block ids under fuzzing', () => {
  it('round-trips kind and parameter name through the block id', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fieldName, (kind, name) => {
        expect(parseParamBlockId(paramBlockId(kind, name))).toEqual({ kind, name });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('never throws on any block id, and only reads ids it could have written', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fieldName.map((n) => `param|${n}`),
        ),
        (blockId) => {
          const parsed = noThrow('parseParamBlockId', () => parseParamBlockId(blockId));
          if (parsed) expect(`param|${parsed.kind}|${parsed.name}`).toBe(blockId);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

/** A value of one kind and what Slack sends back for it in `view.state.values`. */
interface SubmittedField {
  kind: FieldKind;
  element: SubmittedElement;
  /** undefined: the field is left out of the values. */
  expected: unknown;
}

const epochSeconds = fc.integer({ min: 0, max: 4_102_444_800 }); // 1970 … 2100
const finiteNumber = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));
const jsonCopy = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

const submittedField: fc.Arbitrary<SubmittedField> = fc.oneof(
  fc.string({ maxLength: 50 }).map((value) => ({
    kind: 'string' as const,
    element: { type: 'plain_text_input', value },
    expected: value === '' ? undefined : value,
  })),
  fc.integer().map((n) => ({
    kind: 'integer' as const,
    element: { type: 'number_input', value: String(n) },
    expected: n,
  })),
  finiteNumber.map((n) => ({
    kind: 'number' as const,
    element: { type: 'number_input', value: String(n) },
    expected: n,
  })),
  fc.boolean().map((checked) => ({
    kind: 'boolean' as const,
    element: { type: 'checkboxes', selected_options: checked ? [{ value: 'true' }] : [] },
    expected: checked,
  })),
  fc
    .option(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }))
    .map((date) => {
      const day = date?.toISOString().slice(0, 10) ?? null;
      return {
        kind: 'date' as const,
        element: { type: 'datepicker', selected_date: day },
        expected: day ?? undefined,
      };
    }),
  fc.option(epochSeconds).map((seconds) => ({
    kind: 'datetime' as const,
    element: { type: 'datetimepicker', selected_date_time: seconds },
    expected: seconds === null ? undefined : new Date(seconds * 1000).toISOString(),
  })),
  fc.option(fc.jsonValue({ maxDepth: 1 })).map((value) => ({
    kind: 'enum' as const,
    element: {
      type: 'static_select',
      selected_option: value === null ? null : { value: JSON.stringify(value) },
    },
    expected: value === null ? undefined : jsonCopy(value),
  })),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }).map((values) => ({
    kind: 'multi' as const,
    element: {
      type: 'multi_static_select',
      selected_options: values.map((v) => ({ value: JSON.stringify(v) })),
    },
    expected: values.map(jsonCopy),
  })),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }).map((lines) => {
    const text = lines.join('\n');
    const kept = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return {
      kind: 'lines' as const,
      element: { type: 'plain_text_input', value: text },
      expected: text.trim() === '' ? undefined : kept,
    };
  }),
  fc.jsonValue().map((value) => ({
    kind: 'json' as const,
    element: { type: 'plain_text_input', value: JSON.stringify(value, null, 2) },
    expected: jsonCopy(value),
  })),
);

describe('edit modal submissions under fuzzing', () => {
  it('reads back every value the modal could have submitted, with no errors', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fieldName, submittedField), { maxLength: 6, selector: ([name]) => name }),
        (fields) => {
          const state: Record<string, Record<string, SubmittedElement>> = {
            intro: { value: { type: 'plain_text_input', value: 'not a parameter block' } },
          };
          for (const [name, field] of fields)
            state[paramBlockId(field.kind, name)] = { value: field.element };
          const parsed = parseEditSubmission(state);
          expect(parsed.errors).toEqual({});
          const expected = Object.fromEntries(
            fields.filter(([, f]) => f.expected !== undefined).map(([name, f]) => [name, f.expected]),
          );
          expect(parsed.values).toEqual(expected);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  /** Elements of the declared shape, with any value JSON can carry in each field. */
  const typedElement: fc.Arbitrary<SubmittedElement> = fc.record(
    {
      type: fc.string({ maxLength: 20 }),
      value: fc.option(
        fc.oneof(fc.string(), fc.constantFrom('1e999', 'NaN', '-0', '0x10', ' 12 ', '{', '[1,')),
      ),
      selected_option: fc.option(fc.record({ value: fc.string() })),
      selected_options: fc.array(fc.record({ value: fc.oneof(fc.string(), fc.constant('true')) }), {
        maxLength: 3,
      }),
      selected_date: fc.option(fc.string({ maxLength: 12 })),
      selected_date_time: fc.option(fc.oneof(epochSeconds, finiteNumber)),
    },
    { requiredKeys: [] },
  );

  /** A contract for any submission: no throw, errors are clear texts on param blocks only. */
  function checkSubmission(state: Record<string, Record<string, SubmittedElement>>): void {
    const parsed = noThrow('parseEditSubmission', () => parseEditSubmission(state));
    if (!parsed) return;
    for (const [blockId, message] of Object.entries(parsed.errors)) {
      expect(Object.hasOwn(state, blockId)).toBe(true);
      expect(parseParamBlockId(blockId)).toBeDefined();
      expect(typeof message === 'string' && message.trim() !== '').toBe(true);
    }
    for (const name of Object.keys(parsed.values)) {
      expect(Object.keys(state).some((id) => parseParamBlockId(id)?.name === name)).toBe(true);
    }
  }

  it('never throws on submissions of the declared shape with any values (e.g. any number of seconds)', () => {
    const blockId = fc.oneof(
      fc.tuple(fc.constantFrom(...KINDS), fieldName).map(([kind, name]) => paramBlockId(kind, name)),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(blockId, fc.dictionary(fc.constantFrom('value', 'other'), typedElement)),
        (state) => checkSubmission(state),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON in view.state.values (it reaches the parser unchecked)', () => {
    const blockId = fc.oneof(
      fc.tuple(fc.constantFrom(...KINDS), fieldName).map(([kind, name]) => paramBlockId(kind, name)),
      fc.constantFrom('reject_reason', '__proto__', 'constructor'),
    );
    const elementish = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(
        fc.constantFrom(
          'value',
          'selected_option',
          'selected_options',
          'selected_date',
          'selected_date_time',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    );
    const state = fc.dictionary(
      blockId,
      fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.record({ value: elementish })),
    );
    fc.assert(
      fc.property(state, (values) =>
        checkSubmission(values as Record<string, Record<string, SubmittedElement>>),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('places engine errors on existing inputs only, within Slack limits', () => {
    const stateKey = fc.oneof(
      fc.tuple(fc.constantFrom(...KINDS), fieldName).map(([kind, name]) => paramBlockId(kind, name)),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fieldName, fc.constant('')), fc.string({ maxLength: 3000 })),
        fc.dictionary(stateKey, fc.jsonValue({ maxDepth: 1 })),
        (engineErrors, state) => {
          const placed = noThrow('errorsByBlockId', () => errorsByBlockId(engineErrors, state))!;
          for (const [blockId, message] of Object.entries(placed)) {
            expect(Object.hasOwn(state, blockId)).toBe(true);
            expect(parseParamBlockId(blockId)).toBeDefined();
            expect(codePoints(message)).toBeLessThanOrEqual(2000);
          }
          for (const name of Object.keys(engineErrors)) {
            const blocks = Object.keys(state).filter((id) => parseParamBlockId(id)?.name === name);
            if (blocks.length > 0) expect(blocks.some((id) => placed[id] !== undefined)).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('reject reason under fuzzing', () => {
  it('never throws, and answers nothing or a trimmed reason of at most 500 characters', () => {
    const state = fc.dictionary(
      fc.oneof(fc.constant('reject_reason'), fc.string({ maxLength: 12 })),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({
          reason: fc.oneof(
            fc.jsonValue({ maxDepth: 1 }),
            fc.record({ value: fc.jsonValue({ maxDepth: 1 }) }),
          ),
        }),
        fc.record({ reason: fc.record({ value: fc.string({ maxLength: 800 }) }) }),
      ),
    );
    fc.assert(
      fc.property(state, (values) => {
        const reason = noThrow('readRejectReason', () =>
          readRejectReason(values as Record<string, Record<string, { value?: string | null }>>),
        );
        if (reason !== undefined) {
          expect(reason).toBe(reason.trim());
          expect(reason).not.toBe('');
          expect(codePoints(reason)).toBeLessThanOrEqual(500);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

// ------------------------------------------------------------------ message text

const SLACK_MARKUP = [
  '<@UBOT1>',
  '<@UBOT1|flowdesk>',
  '<@U0ANN0001>',
  '<mailto:ann@example.com|ann@example.com>',
  '<#C0SERVICE1|service-desk>',
  '<https://example.com|a link>',
  '<https://example.com>',
  '<!here>',
  '<!channel|channel>',
  '&lt;',
  '&gt;',
  '&amp;',
  '<',
  '>',
  '|',
  '<http://',
  '<mailto:',
  ' ',
  '\n',
  '\u00a0',
];

describe('message text under fuzzing', () => {
  it('never throws, and leaves single-spaced, trimmed text', () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom(...SLACK_MARKUP), fc.string({ unit: 'binary', maxLength: 10 })), {
        maxLength: 30,
      })
      .map((parts) => parts.join(''));
    const botId = fc.oneof(fc.constant('UBOT1'), fc.constant(undefined), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(text, botId, (input, bot) => {
        const plain = noThrow('toPlainText', () => toPlainText(input, bot))!;
        expect(plain).toBe(plain.trim());
        expect(plain).not.toMatch(/\s\s/);
        expect(typeof noThrow('mentionsUser', () => mentionsUser(input, bot))).toBe('boolean');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
