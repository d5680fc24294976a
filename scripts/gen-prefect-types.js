#!/usr/bin/env node
/**
 * Generates TypeScript types for the Prefect REST API from Prefect's OpenAPI schema.
 *
 *   npm run gen:prefect-types [-- <path to openapi.json>]
 *
 * The schema path is, in order: the first argument, $PREFECT_OPENAPI_PATH, or
 * ../shared/prefect/openapi.json relative to the repository root. The output
 * (src/adapters/prefect/generated/prefect-api.ts) is committed, so builds do not need the schema.
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const repoRoot = path.resolve(__dirname, '..');
const defaultSchemaPath = path.resolve(repoRoot, '..', 'shared', 'prefect', 'openapi.json');
const outputPath = path.join(repoRoot, 'src', 'adapters', 'prefect', 'generated', 'prefect-api.ts');

const HEADER = [
  '/**',
  ' * Prefect REST API types, generated — do not edit; regenerate with npm run gen:prefect-types',
  ' * (openapi-typescript, from Prefect OSS openapi.json).',
  ' */',
  '',
].join('\n');

async function main() {
  const schemaPath = path.resolve(process.argv[2] || process.env.PREFECT_OPENAPI_PATH || defaultSchemaPath);
  if (!fs.existsSync(schemaPath)) {
    console.error(
      `Prefect OpenAPI schema not found at ${schemaPath}. Pass its path as the first argument or set PREFECT_OPENAPI_PATH.`,
    );
    process.exit(1);
  }
  // openapi-typescript ships a CommonJS build, so a plain require works from this CommonJS script.
  const { default: openapiTS, astToString } = require('openapi-typescript');
  const ast = await openapiTS(pathToFileURL(schemaPath), {
    // Fields with a default are optional in request bodies; responses are read defensively anyway.
    defaultNonNullable: false,
  });
  fs.mkdirSync(path.dirname(outputPath), { recursive: true });
  fs.writeFileSync(outputPath, HEADER + astToString(ast));
  console.log(`Wrote ${path.relative(repoRoot, outputPath)} from ${schemaPath}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
