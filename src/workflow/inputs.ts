import { UsageError } from '../errors.js';
import { suggestion } from '../util/suggest.js';
import { error, type Diagnostic } from './diagnostics.js';
import { MASK } from '../util/secret-names.js';
import type { Input, WorkflowFile } from './schema-types.js';

/** Input values by name, as text (what `${{ inputs.NAME }}` renders to). */
export type InputValues = Record<string, string>;

type Scalar = string | number | boolean;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function typeOf(input: Input): 'string' | 'number' | 'boolean' {
  return input.type ?? 'string';
}

/** Whether a value written in the file (a default or an enum entry) fits the input's type. */
function fitsType(input: Input, value: Scalar): boolean {
  const type = typeOf(input);
  // YAML reads `default: 1.0` as a number: a string input takes any scalar as its text.
  return type === 'string' || typeof value === type;
}

/** Whether a text value (from the command line) is in the enum, compared by type. */
function allowed(input: Input, text: string): boolean {
  if (!input.enum) return true;
  return input.enum.some((v) => (typeOf(input) === 'number' ? Number(v) === Number(text) : String(v) === text));
}

const list = (values: readonly Scalar[]) => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * Problems of the declarations themselves, found by lint: a default or enum
 * entry of the wrong type, a default the enum does not allow.
 */
export function checkInputDeclarations(raw: WorkflowFile): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const [name, input] of Object.entries(raw.inputs ?? {})) {
    const at = ['inputs', name];
    (input.enum ?? []).forEach((value, i) => {
      if (!fitsType(input, value)) problems.push(error('bad-input', `input "${name}": enum entry ${JSON.stringify(value)} is not a ${typeOf(input)}`, [...at, 'enum', i]));
    });
    if (input.default === undefined) continue;
    if (!fitsType(input, input.default)) {
      problems.push(error('bad-input', `input "${name}": its default ${JSON.stringify(input.default)} is not a ${typeOf(input)}`, [...at, 'default']));
    } else if (!allowed(input, String(input.default))) {
      problems.push(error('bad-input', `input "${name}": its default ${JSON.stringify(input.default)} is not one of its enum values (${list(input.enum!)})`, [...at, 'default']));
    }
  }
  return problems;
}

/** `--input NAME=VALUE` arguments as values; a malformed one is a usage error. The last of a name wins. */
export function parseInputArguments(args: readonly string[] | undefined): InputValues {
  // No prototype: `-i __proto__=x` is a name like any other (then unknown, or an input of that name).
  const values: InputValues = Object.create(null);
  for (const arg of args ?? []) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input must be NAME=VALUE, got "${arg}"`);
    values[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return values;
}

/**
 * Why a given text is not a valid value of the input, if it is not. `secret`: the input's name looks
 * secret, and the message, which goes to the console and CI logs, shows the value masked.
 */
export function valueProblem(name: string, input: Input, text: string, secret = false): string | undefined {
  const type = typeOf(input);
  const got = `got "${secret ? MASK : text}"`;
  if (type === 'number' && !(NUMBER.test(text) && Number.isFinite(Number(text)))) return `input "${name}" must be a number, ${got}`;
  if (type === 'boolean' && text !== 'true' && text !== 'false') return `input "${name}" must be true or false, ${got}`;
  if (!allowed(input, text)) return `input "${name}" must be one of ${list(input.enum!)}, ${got}`;
  return undefined;
}

export interface ResolvedInputs {
  /** Every declared input that has a value: given, else its default. */
  values: InputValues;
  /** What is wrong with the given values, in the user's terms (empty when all is well). */
  problems: string[];
}

/**
 * The value of each declared input: the given one, else the earlier run's
 * (`previous`, on resume; names no longer declared are ignored), else the
 * default. Given names must be declared and values must fit; with
 * `requireAll`, an input without a default must have a value (to run; lint
 * and plan do not need values).
 */
export function resolveInputs(declared: Record<string, Input>, given: InputValues, requireAll: boolean, previous: InputValues = {}, looksSecret: (name: string) => boolean = () => false): ResolvedInputs {
  const values: InputValues = Object.create(null);
  const problems: string[] = [];
  const names = Object.keys(declared);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      problems.push(`unknown input "${name}"${suggestion(name, names) || (names.length ? ` (inputs: ${names.join(', ')})` : ': the workflow declares no inputs')}`);
    }
  }
  const missing: string[] = [];
  for (const [name, input] of Object.entries(declared)) {
    const chosen = Object.hasOwn(given, name) ? given[name] : Object.hasOwn(previous, name) ? previous[name] : undefined;
    const text = chosen ?? (input.default === undefined ? undefined : String(input.default));
    if (text === undefined) {
      // One line, as every user error is: a description of several lines is joined.
      const description = input.description?.trim().replace(/\s*\n\s*/g, ' ');
      missing.push(description ? `"${name}" (${description})` : `"${name}"`);
      continue;
    }
    const problem = chosen !== undefined ? valueProblem(name, input, text, looksSecret(name)) : undefined;
    if (problem) problems.push(problem);
    else values[name] = text;
  }
  if (requireAll && missing.length) {
    problems.push(`missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: give ${missing.length > 1 ? 'each' : 'it'} with --input NAME=VALUE`);
  }
  return { values, problems };
}
