/**
 * CLINC150 (Larson et al., 2019) as a flowdesk process map: one process per intent, its training
 * utterances as the examples. The validation split becomes an eval cases file. The test split is
 * held out and deliberately not read by anything here.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FlowdeskError } from '../core/errors';
import type { ProcessCatalog, ProcessDef } from '../core/types';

interface Utterance {
  text: string;
  intent: string | null;
}

export const CLINC150_DIR_VARIABLE = 'FLOWDESK_CLINC150_DIR';

/** `FLOWDESK_CLINC150_DIR`, else `../shared/eval/clinc150` relative to the working directory. */
export function defaultClinc150Dir(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string {
  return path.resolve(cwd, env[CLINC150_DIR_VARIABLE] ?? '../shared/eval/clinc150');
}

function readUtterances(file: string): Utterance[] {
  if (!existsSync(file)) {
    throw new FlowdeskError('config_invalid', `CLINC150 file not found: ${file}`, {
      userMessage: `CLINC150 data not found at ${file}. Set ${CLINC150_DIR_VARIABLE} to the directory holding train.jsonl.`,
    });
  }
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== '')
    .map(({ line, index }) => {
      const parsed = JSON.parse(line) as Partial<Utterance>;
      if (typeof parsed.text !== 'string' || (parsed.intent !== null && typeof parsed.intent !== 'string')) {
        throw new FlowdeskError('config_invalid', `${file}:${index + 1}: expected {"text", "intent"}`);
      }
      return { text: parsed.text, intent: parsed.intent ?? null };
    });
}

/** intent → domain, from domains.json when present ({"banking": ["freeze_account", ...], ...}). */
function readDomains(dir: string): Map<string, string> {
  const file = path.join(dir, 'domains.json');
  const domains = new Map<string, string>();
  if (!existsSync(file)) return domains;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  for (const [domain, intents] of Object.entries(parsed)) {
    for (const intent of intents) domains.set(intent, domain);
  }
  return domains;
}

export function intentProcessId(intent: string): string {
  return intent.replace(/_/g, '-');
}

function intentTitle(intent: string): string {
  const words = intent.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function buildClinc150Catalog(dir: string): ProcessCatalog {
  const trainFile = path.join(dir, 'train.jsonl');
  const domains = readDomains(dir);
  const examples = new Map<string, string[]>();
  for (const { text, intent } of readUtterances(trainFile)) {
    if (intent === null) continue;
    const list = examples.get(intent) ?? [];
    list.push(text);
    examples.set(intent, list);
  }
  const processes: ProcessDef[] = [...examples].map(([intent, texts], index) => {
    const title = intentTitle(intent);
    const domain = domains.get(intent)?.replace(/_/g, ' ');
    const id = intentProcessId(intent);
    return {
      id,
      title,
      description: domain ? `${title} (${domain}).` : `${title}.`,
      deployment: `clinc150/${id}`,
      examples: texts,
      aliases: [],
      parameters: {},
      required: [],
      confirm: true,
      tags: domain ? ['clinc150', domain.replace(/ /g, '-')] : ['clinc150'],
      source: { file: trainFile, line: index + 1 },
    };
  });
  return { processes, byId: new Map(processes.map((process) => [process.id, process])), files: [trainFile] };
}

/**
 * Writes the validation cases (val.jsonl → the intent's process id, oos_val.jsonl → null) as
 * `{"text", "expect"}` lines to `<outDir>/clinc150-val.jsonl` and returns that path.
 */
export function writeClinc150Cases(dir: string, outDir: string): string {
  const inScope = readUtterances(path.join(dir, 'val.jsonl'));
  const outOfScope = readUtterances(path.join(dir, 'oos_val.jsonl'));
  const lines = [
    ...inScope.map(({ text, intent }) => ({
      text,
      expect: intent === null ? null : intentProcessId(intent),
    })),
    ...outOfScope.map(({ text }) => ({ text, expect: null })),
  ].map((entry) => JSON.stringify(entry));
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'clinc150-val.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
