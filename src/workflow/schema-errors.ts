import { basename, dirname } from 'node:path';
import type { ErrorObject } from 'ajv';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { suggestion } from '../util/suggest.js';
import { otherToolHint } from './key-hints.js';
import { conditionText } from './condition.js';
import { schemas } from './schema.js';
import { RESERVED_NAME, RESERVED_WHY } from '../util/own-value.js';
import { quotedText } from '../util/visible-text.js';
import { showNumber } from '../util/show-number.js';
import { DIAGNOSTIC_CODES, isWarningCode } from './diagnostic-codes.js';
import { isMapping } from '../util/is-mapping.js';

/** What an identifier is called, by the mapping that holds it. */
const ID_KIND: Record<string, string> = {
  tasks: 'task id',
  agents: 'agent name',
  resources: 'resource name',
  env: 'environment variable name',
  matrix: 'matrix key',
  secrets: 'environment variable name',
  inputs: 'input name',
  outputSchema: 'output name',
};

/** What a valid name of each kind is made of (the schema's patterns, in words). */
const ID_RULE: Record<string, string> = {
  'environment variable name': 'use letters, digits and "_", not starting with a digit',
  'input name': 'use letters, digits, "_" and "-", starting with a letter or "_"',
  'output name': 'use letters, digits, "_" and "-", starting with a letter or "_"',
};
const DEFAULT_ID_RULE = 'use letters, digits, "_", "-" and ".", starting with a letter, digit or "_"';

/** What a value of each named pattern of the schema must be, in words, by definition. */
const PATTERN_WORDS: Record<string, string> = {
  outputKey: `is not an output name (${ID_RULE['output name']})`,
  costOutput: `is not an output name and a path into its JSON (an output name, then members after dots: answer.total_cost_usd)`,
  envName: `is not an environment variable name (${ID_RULE['environment variable name']})`,
  inputName: `is not an input name (${ID_RULE['input name']})`,
  name: `is not a valid name (${DEFAULT_ID_RULE})`,
  shell: 'is blank: name a program',
};

/** `tasks.build.retry` for humans. */
export function formatPath(path: DocPath): string {
  if (!path.length) return 'the file';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? (i ? `.${p}` : p) : `["${p}"]`)).join('');
}

function parsePointer(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((part) => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(key) ? Number(key) : key;
  });
}

function show(value: unknown): string {
  if (typeof value === 'string') return quotedText(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return showNumber(value);
  return String(value);
}

/** What is wrong with a value that is no duration. */
function durationProblem(where: string, value: unknown): string {
  const most: number = schemas().workflow.definitions.duration.oneOf[0].maximum;
  if (typeof value === 'number' && value < 0) return `${where} must not be negative, got ${show(value)}`;
  if (typeof value === 'number' && value > most) return `${where} must be at most ${show(most)} seconds (some ${Math.round(most / 31_557_600 / 1e6)} million years), got ${show(value)}`;
  if (typeof value === 'string' && /^\s*(\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+$/.test(value)) return `${where} has a number of more than 15 digits before its point; got ${show(value)}`;
  return `${where} must be a duration: seconds (a number) or a string like 500ms, 30s, 5m, 1h30m; got ${show(value)}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false',
  array: 'a list', object: 'a mapping', null: 'null',
};

/** What the pattern of the definition at `schemaPath` asks for, in words, if it is one of those named. */
function patternWords(schemaPath: string): string | undefined {
  return PATTERN_WORDS[schemaPath.match(/\/definitions\/([^/]+)\/pattern$/)?.[1] ?? ''];
}

interface Branch { type?: string; $ref?: string; oneOf?: Branch[]; anyOf?: Branch[] }

/**
 * The types a value of these alternatives may have, in words; a `$ref` to a
 * definition is looked up there (once: a definition that refers to itself ends the search).
 */
function alternativeWords(branches: readonly Branch[], seen = new Set<string>()): string[] {
  return branches.flatMap((b): string[] => {
    if (b.type) return [TYPE_WORDS[b.type] ?? b.type];
    const ref = b.$ref?.match(/^#\/definitions\/(.+)$/)?.[1];
    if (ref !== undefined) {
      const target = schemas().workflow.definitions[ref] as Branch | undefined;
      if (!target || seen.has(ref)) return [];
      return alternativeWords([target], new Set([...seen, ref]));
    }
    return alternativeWords(b.oneOf ?? b.anyOf ?? [], seen);
  });
}

function idKind(path: DocPath): string {
  const parent = path[path.length - 1];
  return typeof parent === 'string' && ID_KIND[parent] ? ID_KIND[parent]! : 'key';
}

/**
 * Turns ajv's errors into one human diagnostic per problem: unknown keys with
 * a suggestion, bad identifiers, bad durations, and plain-English type and
 * range errors, each with the document path of the offending value.
 */
export function schemaDiagnostics(errors: ErrorObject[], root = ''): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (d: Diagnostic) => {
    const key = `${d.code}|${(d.path ?? []).join('\u0000')}|${d.atKey}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  };
  // Errors at paths that also have a more specific error are noise (oneOf branches, propertyNames wrappers).
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  for (const [pointer, group] of byPath) {
    const path = parsePointer(pointer);
    const where = formatPath(root ? [root, ...path] : path);
    if (group.some((e) => e.schemaPath.includes('/definitions/duration/') || (e.keyword === 'oneOf' && isDuration(e.parentSchema)))) {
      const value = group[0]!.data;
      add(error('bad-duration', durationProblem(where, value), path));
      continue;
    }
    const alternatives = group.find((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    if (alternatives) {
      // A deeper error explains the failed alternative better than "must be a or b".
      const deeper = [...byPath.keys()].some((k) => k.startsWith(`${pointer}/`));
      if (deeper) continue;
      // So does the failure of the alternative of the right type (a list with a repeated item).
      const specific = group.filter((e) => e !== alternatives && e.keyword !== 'type' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
      if (specific.length) for (const e of specific) add(describe(e, path, where)!);
      else add(describe(alternatives, path, where)!);
      continue;
    }
    const handled = new Set<ErrorObject>();
    for (const e of group) {
      if (e.keyword === 'propertyNames' || e.keyword === 'if') {
        handled.add(e);
        // An empty name ("": ...) fails the check too: it is a name, not an absent one.
        if (e.params.propertyName !== undefined) {
          const name = String(e.params.propertyName);
          const kind = idKind(path);
          // The check it failed carries the name: a name of allowed characters may be too long.
          const failed = (keyword: string) => group.find((inner) => inner.keyword === keyword && (inner as { propertyName?: string }).propertyName === name);
          const tooLong = failed('maxLength');
          const rule = ID_RULE[kind] ?? DEFAULT_ID_RULE;
          const why = name === RESERVED_NAME ? RESERVED_WHY
            : !tooLong ? rule
            : failed('pattern') ? `${rule}, at most ${tooLong.params.limit} characters`
            : `it is ${name.length} characters long, at most ${tooLong.params.limit} are allowed`;
          add(error('invalid-id', `${show(name)} is not a valid ${kind}: ${why}`, [...path, name], true));
        }
      }
    }
    for (const e of group) {
      if (handled.has(e)) continue;
      // A pattern error carrying a propertyName belongs to the propertyNames check above.
      if ((e as { propertyName?: string }).propertyName !== undefined || (e.params && 'propertyName' in e.params)) continue;
      const d = describe(e, path, where);
      if (d) add(d);
    }
  }
  return out;
}

function isDuration(schema: unknown): boolean {
  const s = schema as { oneOf?: Array<{ pattern?: string }> } | undefined;
  return Boolean(s?.oneOf?.some((b) => typeof b.pattern === 'string' && b.pattern.includes('ms|s|m|h|d')));
}

/**
 * A task's `if` written as GitHub Actions writes it, an expression
 * (`${{ always() }}`, `${{ inputs.x == 'y' }}`) or a boolean (`if: false`):
 * its outcome word, or `when` for a condition on values — `if` here says
 * which end of the needs it runs after.
 */
function ifExpressionHint(path: DocPath, value: unknown): string | undefined {
  if (!(path.length === 3 && path[0] === 'tasks' && path[2] === 'if')) return undefined;
  if (typeof value === 'boolean') return `: it says after which end of its needs the task runs; a condition goes in \`when\` (when: ${value})`;
  if (typeof value !== 'string' || !/\$\{\{|[()=!<>]/.test(value)) return undefined;
  const inner = conditionText(value);
  const outcome = /^(success|failure|always)\(\)$/.exec(inner)?.[1];
  if (outcome) return ` (did you mean "${outcome}"?)`;
  // GitHub's github context is the GITHUB_* variables here, as a `when` that reads it is told.
  const when = inner.replace(/\bgithub\.([a-z_]+)\b(?!\.)/g, (read, key: string) => (key === 'event' || key === 'token' ? read : `env.GITHUB_${key.toUpperCase()}`));
  return `: it says after which end of its needs the task runs; a condition on values goes in \`when\` (when: ${when})`;
}

/** GitHub's `workflow_dispatch` input types that are a string here: `choice` (with `options`, here `enum`) and `environment`. */
function inputTypeHint(path: DocPath, value: unknown): string | undefined {
  if (!(path.length === 3 && path[0] === 'inputs' && path[2] === 'type')) return undefined;
  if (value === 'choice') return ': GitHub\'s choice is a string input here, its options its `enum` (type: string, enum: [staging, prod])';
  if (value === 'environment') return ': GitHub\'s environment input is a string input here (type: string), with `enum` for the names it may take';
  return undefined;
}

/** An error's code in the config file's `lint.disable`, which lists warnings: a near warning's name would mislead. */
function errorCodeHint(path: DocPath, value: unknown): string | undefined {
  if (!(path.length === 3 && path[0] === 'lint' && path[1] === 'disable')) return undefined;
  return typeof value === 'string' && Object.hasOwn(DIAGNOSTIC_CODES, value) && !isWarningCode(value) ? `: "${value}" is an error, which cannot be silenced: the workflow would not run` : undefined;
}

/**
 * For a value of the wrong type that another form of it is meant by: `retry: 3`
 * (a count of tries), `env: [A=1]` (Docker Compose's list of NAME=value),
 * `run: true` (text YAML reads as a boolean or number unless it is quoted),
 * `run: [a, b]` (Taskfile's list of commands).
 */
function typeHint(path: DocPath, data: unknown, expected: string): string {
  const key = path[path.length - 1];
  if (expected === 'string' && typeof data === 'boolean') return `: YAML reads an unquoted ${data} as a boolean; write "${data}" for the text`;
  if (expected === 'string' && typeof data === 'number') return ': YAML reads an unquoted number as a number; quote it for the text';
  if (key === 'retry' && Number.isInteger(data) && (data as number) >= 1) return ` (did you mean retry: { maxAttempts: ${data} }?)`;
  if (path.length === 1 && key === 'include' && Array.isArray(data) && data.length) {
    const entries = data.slice(0, 2).map(includeEntry);
    if (entries.every((entry) => entry !== undefined)) return `: it maps a namespace to each file (did you mean include: { ${entries.join(', ')}${data.length > 2 ? ', ...' : ''} }?)`;
  }
  // `NAME:` with nothing after it is null to YAML; in docker compose it passes the variable on from outside, as every task has it here.
  if (data === null && path.length >= 2 && path[path.length - 2] === 'env') return ': YAML reads a key with nothing after it as null; write "" for an empty value (a variable of the environment orchestrate runs in reaches every task unlisted)';
  // Argo's DAG lists its tasks with a `name` each; here the name is the key.
  if (path.length === 1 && (key === 'tasks' || key === 'agents') && Array.isArray(data) && data.length) {
    const names = data.slice(0, 2).map((item) => (isMapping(item) && typeof item.name === 'string' && /^[A-Za-z0-9_][\w.-]*$/.test(item.name) ? item.name : undefined));
    if (names.every((name) => name !== undefined)) return `: each ${key === 'tasks' ? 'task' : 'agent'} is under its name, without a name key (did you mean ${key}: { ${names.map((name) => `${name}: {...}`).join(', ')}${data.length > 2 ? ', ...' : ''} }?)`;
  }
  // Taskfile's `cmds` and GitLab's `script` are lists of commands; here they are lines of one script.
  if ((key === 'run' || key === 'command') && Array.isArray(data) && data.length && data.every((item) => typeof item === 'string')) {
    return `: write the commands one per line of a block (${key}: |), which the shell runs in order; with set -e as its first line a failing one stops the rest`;
  }
  if (key === 'env' && Array.isArray(data) && data.length && data.every((item) => typeof item === 'string' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(item))) {
    const entries = (data as string[]).slice(0, 2).map((item) => `${item.slice(0, item.indexOf('='))}: ${JSON.stringify(item.slice(item.indexOf('=') + 1))}`);
    return ` (did you mean env: { ${entries.join(', ')}${data.length > 2 ? ', ...' : ''} }?)`;
  }
  return '';
}

/** A list entry of `include` (Taskfile's and GitHub's forms: a path, or `{ path, as }`) as an entry of its mapping. */
function includeEntry(item: unknown): string | undefined {
  const entry = isMapping(item) ? item : undefined;
  const file = typeof item === 'string' ? item : entry?.path ?? entry?.file ?? entry?.taskfile ?? entry?.uses;
  if (typeof file !== 'string' || !file) return undefined;
  const named = entry?.as ?? entry?.name ?? entry?.namespace;
  // A directory's own workflow is known by the directory.
  const base = basename(/(^|\/)orchestrate\.ya?ml$/.test(file) ? dirname(file) : file).replace(/\.ya?ml$/, '');
  const name = typeof named === 'string' && named ? named : /^[A-Za-z_][\w-]*$/.test(base) ? base : 'NAME';
  return `${name}: ${JSON.stringify(file)}`;
}

function describe(e: ErrorObject, path: DocPath, where: string): Diagnostic | undefined {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys((e.parentSchema as any)?.properties ?? {}).filter((k) => k !== '$schema');
      const inWhat = path.length ? ` in ${where}` : ' at the top level';
      const hint = otherToolHint(path, key, known) ?? (suggestion(key, known) || `; expected one of: ${known.join(', ')}`);
      return error('unknown-key', `unknown key "${key}"${inWhat}${hint}`, [...path, key], true);
    }
    case 'required':
      return error('schema', `${path.length ? where : 'the file'} is missing the required key "${p.missingProperty}"`, path, path.length > 0);
    case 'type': {
      const expected = String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      // YAML's .inf and .nan are numbers to JavaScript, not to JSON Schema.
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) return error('schema', `${where} must be ${expected.replace(/\ba number\b/, 'a finite number')}, got ${show(e.data)}`, path);
      return error('schema', `${where} must be ${expected}, got ${typeName(e.data)}${typeof e.data === 'object' ? '' : ` (${show(e.data)})`}${typeHint(path, e.data, String(p.type))}`, path);
    }
    case 'const':
      if (path.length === 1 && path[0] === 'version') {
        return error('unsupported-version', `unsupported format version ${show(e.data)}: this orchestrate reads version ${p.allowedValue}`, path);
      }
      return error('schema', `${where} must be ${show(p.allowedValue)}, got ${show(e.data)}`, path);
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = ifExpressionHint(path, e.data) ?? errorCodeHint(path, e.data) ?? inputTypeHint(path, e.data) ?? (typeof e.data === 'string' ? suggestion(e.data, allowed) : '');
      return error('schema', `${where} must be one of ${allowed.join(', ')}; got ${show(e.data)}${hint}`, path);
    }
    case 'minimum':
      return error('schema', `${where} must be at least ${p.limit}, got ${show(e.data)}`, path);
    case 'exclusiveMinimum':
      return error('schema', `${where} must be greater than ${p.limit}, got ${show(e.data)}`, path);
    case 'maximum':
      return error('schema', `${where} must be at most ${show(p.limit)}, got ${show(e.data)}`, path);
    case 'minLength':
      return error('schema', `${where} must not be empty`, path);
    case 'maxLength':
      return error('schema', `${where} is too long (at most ${p.limit} characters)`, path);
    case 'minProperties':
      return error('schema', `${where} must not be empty`, path);
    case 'minItems':
      return error('schema', `${where} must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`, path);
    case 'uniqueItems': {
      const [first, second] = [Math.min(p.i, p.j), Math.max(p.i, p.j)];
      return error('schema', `${where} lists ${show((e.data as unknown[])[second])} twice (items ${first + 1} and ${second + 1})`, [...path, second]);
    }
    case 'pattern':
      if (String(p.pattern).includes('\\$\\{\\{')) {
        return error('schema', `${where} must be a list of values, or one template of an input or another task's output such as "\${{ tasks.ID.outputs.KEY }}"; got ${show(e.data)}`, path);
      }
      if (e.schemaPath.includes('/cpuShare/')) {
        return error('schema', `${where} must be a whole number of at least 1, or a share of the CPUs as a whole percentage such as "50%"; got ${show(e.data)}`, path);
      }
      if (String(p.pattern).includes('\\u0001-')) {
        return error('schema', `${where} holds a control character (${show(e.data)}): a terminal escape would drive the terminals it is shown on; write the text without it`, path);
      }
      if (e.data === RESERVED_NAME && patternWords(e.schemaPath)) return error('schema', `${where} is not valid: ${show(e.data)} names nothing (${RESERVED_WHY})`, path);
      return error('schema', `${where} is not valid: ${show(e.data)} ${patternWords(e.schemaPath) ?? `must match ${p.pattern}`}`, path);
    case 'oneOf':
    case 'anyOf': {
      const words = [...new Set(alternativeWords((e.parentSchema as any)?.[e.keyword] ?? []))];
      const got = typeof e.data === 'number' && !Number.isFinite(e.data) ? show(e.data) : typeName(e.data);
      return error('schema', `${where} must be ${words.length ? words.join(' or ') : 'a valid value'}, got ${got}`, path);
    }
    default:
      return error('schema', `${where}: ${e.message ?? 'is not valid'}`, path);
  }
}
