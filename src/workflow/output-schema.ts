import { createRequire } from 'node:module';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import type { OutputSchema } from './schema-types.js';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { ownValue } from '../util/own-value.js';
import { isJsonText } from './templates.js';

const require = createRequire(import.meta.url);
let ajv: AjvType | undefined;
/** Each schema compiled once, by the object the workflow holds. */
const compiled = new WeakMap<object, ValidateFunction>();

/** ajv, loaded only when a workflow has output schemas: every other run starts without it. */
function validatorOf(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    if (!ajv) {
      const { Ajv } = require('ajv') as typeof import('ajv');
      // Not strict: a user's schema may carry keywords of its own (titles of a tool, `examples`).
      ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    }
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Why a schema cannot be used (ajv's message), or undefined. */
export function schemaProblem(schema: Record<string, unknown>): string | undefined {
  try {
    validatorOf(schema);
    return undefined;
  } catch (caught) {
    return (caught as Error).message;
  }
}

/** `bad-output-schema` for each schema of `schemas` that cannot be used, at `at` + its key; `owner` names whose they are (`task "review"`). */
export function outputSchemaDiagnostics(schemas: OutputSchema | undefined, owner: string, at: DocPath): Diagnostic[] {
  return Object.entries(schemas ?? {}).flatMap(([key, schema]) => {
    const problem = schemaProblem(schema);
    return problem ? [error('bad-output-schema', `${owner}: the schema of output "${key}" cannot be used: ${problem}`, [...at, key], true)] : [];
  });
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).slice(0, 3).map((e) => {
    const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})` : '';
    return `${e.instancePath || 'the value'} ${e.message ?? 'is not valid'}${allowed}`;
  }).join('; ');
}

/** Whether text is JSON in one Markdown code fence, as a model often answers when asked for JSON. */
function inCodeFence(text: string): boolean {
  const fenced = /^\s*```[\w-]*[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*```\s*$/.exec(text);
  if (!fenced) return false;
  try {
    JSON.parse(fenced[1]!);
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong with an attempt's outputs against the task's output schemas:
 * a named output that was not set, or whose value matches its schema neither
 * as text nor, when it is JSON, as the value it holds. Undefined when they all match.
 */
export function outputProblems(schemas: OutputSchema, outputs: Readonly<Record<string, string>>): string | undefined {
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(schemas)) {
    const text = ownValue(outputs, key);
    if (text === undefined) {
      problems.push(`output "${key}" was not set`);
      continue;
    }
    const validate = validatorOf(schema);
    if (validate(text)) continue;
    let parsed: { value: unknown } | undefined;
    try {
      parsed = { value: JSON.parse(text) };
    } catch {
      // Not JSON: the text was all there was to check.
    }
    if (parsed && validate(parsed.value)) continue;
    const why = parsed ? '' : inCodeFence(text) ? ' (it is not JSON: it is JSON inside a Markdown code fence, ```json ... ```; have the agent print the JSON alone)'
      : isJsonText(text) ? ` (it is not JSON but JSON Lines, as an answer streamed is: a schema checks an output whole, as one value or text, while a path such as ${key}.result reads the last line that has it; leave the schema out, or have the agent answer as one JSON value)`
      : ' (it is not JSON)';
    problems.push(`output "${key}" does not match its schema${why}: ${describe(validate.errors)}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}
