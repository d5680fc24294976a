/**
 * Rules about one process that a schema alone cannot express: aliases must capture declared
 * parameters, and parameter fragments must be valid JSON Schema with defaults that fit them.
 */
import { aliasParameters, parseAliasPattern } from './alias-pattern';
import type { FragmentChecker, PathProblem } from './parameter-fragments';
import type { ParsedProcess } from './process-map-schema';

/** Problems with paths relative to the process entry (e.g. ['aliases', 0]). */
export function checkProcess(process: ParsedProcess, checkFragment: FragmentChecker): PathProblem[] {
  return [...checkAliases(process), ...checkParameters(process, checkFragment)];
}

function checkAliases(process: ParsedProcess): PathProblem[] {
  const declared = Object.keys(process.parameters);
  const problems: PathProblem[] = [];
  process.aliases.forEach((alias, index) => {
    const parsed = parseAliasPattern(alias);
    if (!parsed.ok) {
      problems.push({ path: ['aliases', index], message: `alias "${alias}" ${parsed.error}` });
      return;
    }
    for (const name of aliasParameters(parsed.parts)) {
      if (!declared.includes(name)) {
        problems.push({
          path: ['aliases', index],
          message: `alias "${alias}" uses {${name}}, which is not declared under "parameters" (${describeDeclared(declared)})`,
        });
      }
    }
  });
  return problems;
}

function checkParameters(process: ParsedProcess, checkFragment: FragmentChecker): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const [name, fragment] of Object.entries(process.parameters)) {
    const base = ['parameters', name];
    const required = fragment.required;
    if (required !== undefined && typeof required !== 'boolean' && !Array.isArray(required)) {
      problems.push({ path: [...base, 'required'], message: 'must be true or false' });
      continue;
    }
    for (const problem of checkFragment(fragment)) {
      const label = problem.label && [...base, ...problem.label];
      problems.push({ path: [...base, ...problem.path], message: problem.message, ...(label && { label }) });
    }
  }
  return problems;
}

function describeDeclared(declared: string[]): string {
  return declared.length === 0 ? 'none are declared' : `declared: ${declared.join(', ')}`;
}
