/** A `${{ ... }}` expression found in a string. */
export type TemplateRef =
  /** `path`: `tasks.ID.outputs.KEY.a.0` reads the output as JSON and takes that member (see outputAt). */
  | { kind: 'task-output'; task: string; key: string; path?: string[]; text: string }
  /** `tasks.ID.status`: how a task it needs ended (GitHub's `needs.ID.result`). */
  | { kind: 'task-status'; task: string; text: string }
  | { kind: 'matrix'; key: string; text: string }
  | { kind: 'env'; key: string; text: string }
  | { kind: 'params'; key: string; text: string }
  | { kind: 'inputs'; key: string; text: string }
  | { kind: 'runner'; key: string; text: string }
  /** `'text'`: a string, as GitHub's expressions write one (`''` for a quote); `${{ '${{' }}` writes `${{`. Filled when the task runs, as the last of its templates. */
  | { kind: 'literal'; value: string; text: string };

/** A reference that names a key (an input, a matrix key, ...): all but a task's status. */
export type KeyedRef = Extract<TemplateRef, { key: string }>;

export interface ParsedTemplate {
  refs: TemplateRef[];
  /** Syntax problems, with the offending text. */
  errors: Array<{ message: string; text: string }>;
}

const OPEN = '${{';
const CLOSE = '}}';
const KEY = '[A-Za-z_][A-Za-z0-9_-]*';
const EXPRESSIONS: Array<[RegExp, (m: RegExpExecArray, text: string) => TemplateRef]> = [
  [new RegExp(`^tasks\\.([A-Za-z0-9_][A-Za-z0-9_.\\-]*(?:\\[.*\\])?)\\.outputs\\.(${KEY})((?:\\.[A-Za-z0-9_-]+)*)$`), (m, text) => ({ kind: 'task-output', task: m[1]!, key: m[2]!, ...(m[3] ? { path: m[3].slice(1).split('.') } : {}), text })],
  [/^tasks\.([A-Za-z0-9_][A-Za-z0-9_.\-]*(?:\[.*\])?)\.status$/, (m, text) => ({ kind: 'task-status', task: m[1]!, text })],
  [new RegExp(`^matrix\\.(${KEY})$`), (m, text) => ({ kind: 'matrix', key: m[1]!, text })],
  [new RegExp(`^env\\.(${KEY})$`), (m, text) => ({ kind: 'env', key: m[1]!, text })],
  [new RegExp(`^params\\.(${KEY})$`), (m, text) => ({ kind: 'params', key: m[1]!, text })],
  [new RegExp(`^inputs\\.(${KEY})$`), (m, text) => ({ kind: 'inputs', key: m[1]!, text })],
  [new RegExp(`^runner\\.(${KEY})$`), (m, text) => ({ kind: 'runner', key: m[1]!, text })],
  [/^'((?:[^']|'')*)'$/, (m, text) => ({ kind: 'literal', value: m[1]!.replace(/''/g, "'"), text })],
];

/**
 * What a template reads, by the names GitHub Actions and near misses give it:
 * `needs.ID.outputs.K` and `steps.ID.outputs.K` are `tasks.ID.outputs.K`
 * here, `needs.ID.result` is `tasks.ID.status`, `input.X` is `inputs.X`, a
 * secret (`secrets.X`) or a GitHub variable (`vars.X`) is `env.X`.
 */
const CONTEXTS: Record<string, string> = {
  tasks: 'tasks', task: 'tasks', needs: 'tasks', steps: 'tasks', jobs: 'tasks',
  inputs: 'inputs', input: 'inputs',
  matrix: 'matrix', env: 'env', secrets: 'env', vars: 'env',
  params: 'params', param: 'params', parameters: 'params',
  runner: 'runner',
};

/**
 * For an expression no template reads (`input.target`): the one it stands
 * for, ` (did you mean "inputs.target"?)`, if there is such a one.
 */
export function expressionHint(expression: string): string | undefined {
  const m = /^([A-Za-z_]+)\.(.+)$/.exec(expression);
  if (!m) return undefined;
  // GitHub's `github` context reaches a step as GITHUB_* variables, which a run inside a job has: github.sha is GITHUB_SHA
  // (not its event, whose payload is a file, nor its token, which a step gets only when given it).
  if (m[1] === 'github' && /^[a-z_]+$/.test(m[2]!) && m[2] !== 'event' && m[2] !== 'token') {
    return ` (did you mean "env.GITHUB_${m[2]!.toUpperCase()}"?): GitHub Actions gives a job's steps its github context as GITHUB_* variables, which a run inside one has`;
  }
  const context = CONTEXTS[m[1]!] ?? CONTEXTS[m[1]!.toLowerCase()];
  if (!context) return undefined;
  let meant = `${context}.${m[2]}`;
  if (context === 'tasks') meant = meant.replace(/\.result$/, '.status').replace(/^(tasks\..+?)\.output\./, '$1.outputs.');
  if (meant === expression || !EXPRESSIONS.some(([re]) => re.test(meant))) return undefined;
  const secret = m[1] === 'secrets' ? ': a secret reaches a task as an environment variable (name it under `secrets` to mask it)' : '';
  return ` (did you mean "${meant}"?)${secret}`;
}

/** Finds and parses every `${{ expr }}` in `text`. */
export function parseTemplate(text: string): ParsedTemplate {
  const refs: TemplateRef[] = [];
  const errors: ParsedTemplate['errors'] = [];
  let from = 0;
  for (let start = text.indexOf(OPEN); start !== -1; start = text.indexOf(OPEN, from)) {
    const end = text.indexOf(CLOSE, start + OPEN.length);
    if (end === -1) {
      errors.push({ message: `unclosed template "${text.slice(start, start + 40)}": expected "}}"`, text: OPEN });
      break;
    }
    const expression = text.slice(start + OPEN.length, end).trim();
    const whole = text.slice(start, end + CLOSE.length);
    const match = EXPRESSIONS.map(([re, make]) => {
      const m = re.exec(expression);
      return m ? make(m, whole) : undefined;
    }).find(Boolean);
    if (match) refs.push(match);
    else errors.push({ message: `unknown template expression "${expression}"${expressionHint(expression) ?? ': use tasks.ID.outputs.KEY, tasks.ID.status, matrix.KEY, env.KEY, params.KEY, inputs.NAME, runner.KEY, or a string in single quotes (${{ \'${{\' }} writes ${{)'}`, text: whole });
    from = end + CLOSE.length;
  }
  return { refs, errors };
}

/**
 * An output's value as a template gives it: as it is, or with a path
 * (`${{ tasks.review.outputs.result.verdict }}`, `.items.0`) the member at
 * that path of the output read as JSON (GitHub's `fromJSON(...).verdict`):
 * text as it is, anything else as JSON, empty when the output is not JSON or
 * has no such member.
 */
export function outputAt(value: string, path?: readonly string[]): string {
  if (!path?.length) return value;
  const node = memberAt(value, path);
  return node === undefined || node === null ? '' : typeof node === 'string' ? node : JSON.stringify(node);
}

/**
 * The member at `path` of `value` read as JSON; undefined when it is not JSON
 * or has no such member. A value of JSON Lines — what an LLM CLI streams,
 * `claude -p --output-format stream-json`, `codex exec --json` — is read at
 * its last line that has the member (the final result's `total_cost_usd`).
 */
export function memberAt(value: string, path: readonly string[]): unknown {
  let node: unknown;
  try {
    node = JSON.parse(value);
  } catch {
    return path.length ? lastLineMember(value, path) : undefined;
  }
  return memberIn(node, path);
}

function memberIn(node: unknown, path: readonly string[]): unknown {
  for (const segment of path) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, segment)) node = (node as Record<string, unknown>)[segment];
    else return undefined;
  }
  return node;
}

/** Whether `value` is JSON, or JSON Lines, which memberAt reads a member of. */
export function isJsonText(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return jsonLines(value) !== undefined;
  }
}

/** The values of JSON Lines (two or more); undefined unless every line that is not blank is JSON. */
function jsonLines(value: string): unknown[] | undefined {
  const lines = value.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2) return undefined;
  const nodes: unknown[] = [];
  for (const line of lines) {
    try {
      nodes.push(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return nodes;
}

/** The member at `path` of the last line of JSON Lines that has one. */
function lastLineMember(value: string, path: readonly string[]): unknown {
  const nodes = jsonLines(value) ?? [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const found = memberIn(nodes[i], path);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A whole matrix task's output — each expansion's value, in their order — as
 * a template gives it: the values as a JSON list of strings; with a path
 * that starts with an index (`answer.0.verdict`), that expansion's value at
 * the rest of the path (outputAt); with any other path (`answer.verdict`),
 * each value's member there as a JSON list (`["approve","reject"]`; null for
 * one that has none), as GitHub's object filter `*.verdict` reads each.
 */
export function expansionsOutputAt(values: readonly string[], path?: readonly string[]): string {
  if (!path?.length) return JSON.stringify(values);
  const [first, ...rest] = path;
  if (/^\d+$/.test(first!)) {
    const value = values[Number(first)];
    return value === undefined ? '' : outputAt(value, rest);
  }
  return JSON.stringify(values.map((value) => memberAt(value, path) ?? null));
}

/** Whether `text` contains any template. */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Replaces every template whose value `lookup` knows; leaves the others as
 * they are (they are resolved later, e.g. task outputs at run time).
 */
export function renderTemplate(text: string, lookup: (ref: TemplateRef) => string | undefined): string {
  if (!text.includes(OPEN)) return text;
  let out = '';
  let from = 0;
  for (let start = text.indexOf(OPEN); start !== -1; start = text.indexOf(OPEN, from)) {
    const end = text.indexOf(CLOSE, start + OPEN.length);
    if (end === -1) break;
    const whole = text.slice(start, end + CLOSE.length);
    const ref = parseTemplate(whole).refs[0];
    const value = ref ? lookup(ref) : undefined;
    out += text.slice(from, start) + (value ?? whole);
    from = end + CLOSE.length;
  }
  return out + text.slice(from);
}
