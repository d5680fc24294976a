/** `name=value` edits typed after pressing Edit: `environment=staging, note="two words"`. */
import type { ParameterValues } from '../../core/types';

const PAIR = /([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("([^"]*)"|'([^']*)'|[^,\s]+)/g;

export function parseEdits(text: string): ParameterValues {
  const values: ParameterValues = {};
  for (const match of text.matchAll(PAIR)) {
    values[match[1]] = match[3] ?? match[4] ?? match[2];
  }
  return values;
}
