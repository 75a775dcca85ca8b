import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';

// Schemas live in the package's schemas/ folder, two levels above both
// src/workflow (tests) and dist/workflow (the build).
const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

export type JsonSchema = Record<string, any>;

/** Where a published schema file is (`workflow.schema.json`), for editors. */
export function schemaFile(name: string): string {
  return fileURLToPath(new URL(name, SCHEMA_DIR));
}

let cache: { workflow: JsonSchema; config: JsonSchema } | undefined;

/** The JSON schemas that define the workflow and config formats. */
export function schemas(): { workflow: JsonSchema; config: JsonSchema } {
  cache ??= {
    workflow: JSON.parse(readFileSync(new URL('workflow.schema.json', SCHEMA_DIR), 'utf8')),
    config: JSON.parse(readFileSync(new URL('config.schema.json', SCHEMA_DIR), 'utf8')),
  };
  return cache;
}

type Validators = { workflow: ValidateFunction; config: ValidateFunction };
let validators: Validators | undefined;

const PRECOMPILED = new URL('./validators.generated.cjs', import.meta.url);
const require = createRequire(import.meta.url);

/**
 * The schemas as standalone code, which the build compiles beside this file
 * (scripts/gen-validators.mjs; the CLI bundle holds it in place of this
 * expression, see scripts/bundle.mjs); none when running from the sources.
 */
function precompiled(): Validators | undefined {
  return existsSync(PRECOMPILED) ? require(fileURLToPath(PRECOMPILED)) : undefined;
}

function compile(): Validators {
  validators ??= precompiled();
  // From the sources (tests), ajv compiles the schemas at run time with the same options.
  if (!validators) {
    const { Ajv } = require('ajv') as typeof import('ajv');
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    const { workflow, config } = schemas();
    ajv.addSchema(workflow, 'workflow.schema.json');
    ajv.addSchema(config, 'config.schema.json');
    validators = {
      workflow: ajv.getSchema('workflow.schema.json')!,
      config: ajv.getSchema('config.schema.json')!,
    };
  }
  return validators;
}

/** Validates a parsed workflow file against the schema; returns ajv's errors. */
export function validateWorkflowSchema(value: unknown): ErrorObject[] {
  const validate = compile().workflow;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Validates a parsed config file against its schema; returns ajv's errors. */
export function validateConfigSchema(value: unknown): ErrorObject[] {
  const validate = compile().config;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** The most a task's `cost` may be: what a cost output may report too. */
export function mostCost(): number {
  return schemas().workflow.definitions.task.properties.cost.maximum;
}

/** The schema's default of a top-level workflow key. */
export function topLevelDefault(property: string): unknown {
  return schemas().workflow.properties?.[property]?.default;
}

/** The `default` of a key of a task's `service: { ready, interval, timeout }`. */
export function serviceDefault(property: 'interval' | 'timeout'): unknown {
  const forms: JsonSchema[] = schemas().workflow.definitions.task.properties.service.oneOf;
  return forms.find((form) => form.type === 'object')?.properties?.[property]?.default;
}

/** The keys a workflow-schema definition has (`retry`: maxAttempts, backoff, ...). */
export function definitionKeys(definition: string): string[] {
  return Object.keys(schemas().workflow.definitions[definition]?.properties ?? {});
}

/** The `default` of a property of a workflow-schema definition. */
export function schemaDefault(definition: string, property: string): unknown {
  return schemas().workflow.definitions[definition]?.properties?.[property]?.default;
}
