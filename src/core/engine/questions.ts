/** Wording of the questions the bot asks when parameters are missing or invalid. */
import { isSchema } from '../params/resolve-refs';
import type { JsonSchema, ProcessDef } from '../types';

export function parametersQuestion(
  process: ProcessDef,
  schema: JsonSchema,
  missing: string[],
  errors: Record<string, string>,
): string {
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const lines: string[] = [];
  const invalid = Object.entries(errors);
  if (invalid.length > 0) {
    lines.push(`That does not work for “${process.title}”:`);
    for (const [name, message] of invalid) lines.push(`• ${name} ${message}${hint(properties[name], false)}`);
  }
  if (missing.length === 1 && invalid.length === 0) {
    const name = missing[0];
    return `What ${name} should I use for “${process.title}”?${hint(properties[name], true)}`;
  }
  if (missing.length > 0) {
    lines.push(invalid.length > 0 ? 'I also need:' : `I need a few more details for “${process.title}”:`);
    for (const name of missing) lines.push(`• ${name}${hint(properties[name], true)}`);
  }
  return lines.join('\n');
}

function hint(prop: JsonSchema | undefined, withDescription: boolean): string {
  if (!prop) return '';
  const parts: string[] = [];
  if (withDescription && typeof prop.description === 'string') parts.push(prop.description.trim());
  const choices = enumChoices(prop);
  if (choices.length > 0) parts.push(`one of: ${choices.join(', ')}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

export function enumChoices(prop: JsonSchema): string[] {
  if (Array.isArray(prop.enum)) return prop.enum.filter((v) => v !== null).map(String);
  for (const key of ['anyOf', 'oneOf']) {
    const list = prop[key];
    if (!Array.isArray(list)) continue;
    const values = list.flatMap((item) => (isSchema(item) && Array.isArray(item.enum) ? item.enum : []));
    if (values.length > 0) return values.filter((v) => v !== null).map(String);
  }
  return [];
}
