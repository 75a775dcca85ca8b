import { runnerValue } from './runner-context.js';
import { parseTemplate, type TemplateRef } from './templates.js';
import type { TaskSpec } from './model.js';

/**
 * A task's `when` condition: a small expression over the values templates
 * know (inputs, matrix, params, runner, env, the outputs of tasks it needs):
 * `==`, `!=`, `&&`, `||`, `!`, parentheses, 'strings', numbers, true, false.
 */
export type Condition =
  | { kind: 'literal'; value: string }
  | { kind: 'ref'; ref: TemplateRef }
  | { kind: 'not'; operand: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'eq' | 'ne'; left: Condition; right: Condition };

export interface ParsedCondition {
  condition?: Condition;
  /** The references it reads, each with its text in the condition. */
  refs: TemplateRef[];
  /** What is wrong with it, if anything (then there is no condition). */
  error?: string;
}

type Token = { type: 'op'; text: string } | { type: 'literal'; value: string; text: string } | { type: 'ref'; ref: TemplateRef; text: string };

const REF = /^(?:tasks\.[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\[[^\]]*\])?\.outputs\.[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*|(?:inputs|matrix|params|env|runner)\.[A-Za-z_][A-Za-z0-9_-]*)/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;
const OPERATORS = ['==', '!=', '&&', '||', '!', '(', ')'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ type: 'op', text: op });
      i += op.length;
      continue;
    }
    if (rest[0] === "'" || rest[0] === '"') {
      const end = rest.indexOf(rest[0], 1);
      if (end === -1) throw new Error(`unclosed string ${rest.slice(0, 20)}`);
      tokens.push({ type: 'literal', value: rest.slice(1, end), text: rest.slice(0, end + 1) });
      i += end + 1;
      continue;
    }
    const ref = REF.exec(rest);
    if (ref) {
      // The template parser knows what each reference means.
      const parsed = parseTemplate(`\${{ ${ref[0]} }}`).refs[0]!;
      tokens.push({ type: 'ref', ref: { ...parsed, text: ref[0] }, text: ref[0] });
      i += ref[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(rest);
    if (word && (word[0] === 'true' || word[0] === 'false')) {
      tokens.push({ type: 'literal', value: word[0], text: word[0] });
      i += word[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ type: 'literal', value: number[0], text: number[0] });
      i += number[0].length;
      continue;
    }
    const unknown = word?.[0] ?? rest[0]!;
    throw new Error(`unexpected "${unknown}": use inputs.NAME, matrix.K, params.K, env.K, runner.K, tasks.ID.outputs.K, 'text', numbers, true, false, ==, !=, &&, ||, ! and parentheses`);
  }
  return tokens;
}

/** Parses a `when` condition (optionally written as `${{ ... }}`, as in GitHub Actions). */
export function parseCondition(source: string): ParsedCondition {
  let text = source.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  if (wrapped) text = wrapped[1]!;
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    return { refs: [], error: (error as Error).message };
  }
  const refs = tokens.flatMap((t) => (t.type === 'ref' ? [t.ref] : []));
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (text: string) => peek()?.type === 'op' && peek()!.text === text;
  const fail = (what: string): never => {
    throw new Error(peek() ? `expected ${what}, found "${peek()!.text}"` : `expected ${what} at the end`);
  };
  const atom = (): Condition => {
    const token = peek();
    if (!token) return fail('a value');
    if (isOp('(')) {
      at++;
      const inner = or();
      if (!isOp(')')) fail('")"');
      at++;
      return inner;
    }
    if (token.type === 'literal') {
      at++;
      return { kind: 'literal', value: token.value };
    }
    if (token.type === 'ref') {
      at++;
      return { kind: 'ref', ref: token.ref };
    }
    return fail('a value');
  };
  const comparison = (): Condition => {
    const left = atom();
    if (isOp('==') || isOp('!=')) {
      const kind = peek()!.text === '==' ? 'eq' : 'ne';
      at++;
      return { kind, left, right: atom() };
    }
    return left;
  };
  const not = (): Condition => {
    if (isOp('!')) {
      at++;
      return { kind: 'not', operand: not() };
    }
    return comparison();
  };
  /** Left-associative runs of one operator over the next level down. */
  const chain = (op: '&&' | '||', kind: 'and' | 'or', next: () => Condition) => (): Condition => {
    let left = next();
    while (isOp(op)) {
      at++;
      left = { kind, left, right: next() };
    }
    return left;
  };
  const and = chain('&&', 'and', not);
  const or = chain('||', 'or', and);
  try {
    if (!tokens.length) return { refs, error: 'the condition is empty' };
    const condition = or();
    if (at < tokens.length) fail('&&, || or the end');
    return { condition, refs };
  } catch (error) {
    return { refs, error: (error as Error).message };
  }
}

/** False: the empty string, "false" and "0" (numbers: 0); anything else is true. */
export function truthy(value: string): boolean {
  return value !== '' && value !== 'false' && !(value.trim() !== '' && Number(value) === 0);
}

/** Equal as numbers when both are numbers, else as text. */
function same(a: string, b: string): boolean {
  const numeric = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));
  return numeric(a) && numeric(b) ? Number(a) === Number(b) : a === b;
}

/** Evaluates a condition; `lookup` gives each reference's value (an unknown one is the empty string). */
export function evaluateCondition(condition: Condition, lookup: (ref: TemplateRef) => string | undefined): boolean {
  const value = (c: Condition): string => {
    switch (c.kind) {
      case 'literal':
        return c.value;
      case 'ref':
        return lookup(c.ref) ?? '';
      default:
        return String(test(c));
    }
  };
  const test = (c: Condition): boolean => {
    switch (c.kind) {
      case 'not':
        return !test(c.operand);
      case 'and':
        return test(c.left) && test(c.right);
      case 'or':
        return test(c.left) || test(c.right);
      case 'eq':
        return same(value(c.left), value(c.right));
      case 'ne':
        return !same(value(c.left), value(c.right));
      default:
        return truthy(value(c));
    }
  };
  return test(condition);
}

/**
 * The value of a reference that is known before the run: an input that has a
 * value, a matrix value (empty when this expansion lacks the key), a param
 * (JSON unless a string). Undefined for outputs, the environment and inputs
 * without a value.
 */
export function staticValue(inputs: Readonly<Record<string, string>>, task: Pick<TaskSpec, 'matrix' | 'params'>, ref: TemplateRef): string | undefined {
  switch (ref.kind) {
    case 'inputs':
      return Object.hasOwn(inputs, ref.key) ? inputs[ref.key] : undefined;
    case 'matrix':
      return task.matrix && Object.hasOwn(task.matrix, ref.key) ? String(task.matrix[ref.key]) : '';
    case 'runner':
      return runnerValue(ref.key);
    case 'params': {
      const v = Object.hasOwn(task.params, ref.key) ? task.params[ref.key] : undefined;
      return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    }
    default:
      return undefined;
  }
}
