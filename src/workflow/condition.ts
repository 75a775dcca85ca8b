import { runnerValue } from './runner-context.js';
import { expressionHint, parseTemplate, type TemplateRef } from './templates.js';
import type { TaskSpec } from './model.js';
import { ownValue } from '../util/own-value.js';

/**
 * A task's `when` condition: a small expression over the values templates
 * know (inputs, matrix, params, runner, env, the outputs of tasks it needs and
 * how they ended):
 * `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`, parentheses, GitHub
 * Actions' `contains`, `startsWith` and `endsWith`, 'strings', numbers,
 * true, false.
 */
export type Condition =
  | { kind: 'literal'; value: string }
  | { kind: 'ref'; ref: TemplateRef }
  | { kind: 'not'; operand: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; left: Condition; right: Condition }
  | { kind: 'call'; name: ConditionFunction; args: [Condition, Condition] };

/** The functions a condition may call, GitHub Actions' (case-insensitive, as there). */
const FUNCTIONS = ['contains', 'startsWith', 'endsWith'] as const;
type ConditionFunction = (typeof FUNCTIONS)[number];
/** Comparison operators and the condition kind each makes. */
const COMPARISONS: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

export interface ParsedCondition {
  condition?: Condition;
  /** The references it reads, each with its text in the condition. */
  refs: TemplateRef[];
  /** What is wrong with it, if anything (then there is no condition). */
  error?: string;
}

type Token = { type: 'op'; text: string } | { type: 'literal'; value: string; text: string } | { type: 'ref'; ref: TemplateRef; text: string } | { type: 'function'; name: ConditionFunction; text: string };

const REF = /^(?:tasks\.[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\[[^\]]*\])?\.(?:outputs\.[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*|status\b)|(?:inputs|matrix|params|env|runner)\.[A-Za-z_][A-Za-z0-9_-]*)/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;
// Longer first: `<=` is not `<` then `=`.
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '!', '<', '>', '(', ')', ','];

/** Where the string `rest` starts with ends: its closing quote, a doubled one (`'It''s'`, as in GitHub Actions) standing for itself; -1 when unclosed. */
function stringEnd(rest: string): number {
  const quote = rest[0]!;
  for (let at = rest.indexOf(quote, 1); at !== -1; at = rest.indexOf(quote, at + 2)) {
    if (rest[at + 1] !== quote) return at;
  }
  return -1;
}

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
      const end = stringEnd(rest);
      if (end === -1) throw new Error(`unclosed string ${rest.slice(0, 20)}`);
      tokens.push({ type: 'literal', value: rest.slice(1, end).replaceAll(rest[0].repeat(2), rest[0]), text: rest.slice(0, end + 1) });
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
    const name = FUNCTIONS.find((f) => f === word?.[0]);
    if (name && /^\s*\(/.test(rest.slice(name.length))) {
      tokens.push({ type: 'function', name, text: name });
      i += name.length;
      continue;
    }
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
    const meant = word ? expressionHint(word[0]) : undefined;
    if (meant) throw new Error(`unexpected "${unknown}"${meant}`);
    throw new Error(`unexpected "${unknown}": use inputs.NAME, matrix.K, params.K, env.K, runner.K, tasks.ID.outputs.K, 'text', numbers, true, false, ==, !=, <, <=, >, >=, &&, ||, !, parentheses, contains(a, b), startsWith(a, b) and endsWith(a, b)`);
  }
  return tokens;
}

/** A condition's expression: `source` without the `${{ ... }}` it may be written in (as in GitHub Actions), trimmed. */
export function conditionText(source: string): string {
  const text = source.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  return wrapped ? wrapped[1]!.trim() : text;
}

/** Parses a `when` condition (optionally written as `${{ ... }}`, as in GitHub Actions). */
export function parseCondition(source: string): ParsedCondition {
  const text = conditionText(source);
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
    if (token.type === 'function') {
      at += 2;
      const first = or();
      if (!isOp(',')) fail(`"," and a second argument of ${token.name}`);
      at++;
      const second = or();
      if (!isOp(')')) fail(`")" after the two arguments of ${token.name}`);
      at++;
      return { kind: 'call', name: token.name, args: [first, second] };
    }
    return fail('a value');
  };
  const comparison = (): Condition => {
    const left = atom();
    const kind = peek()?.type === 'op' ? COMPARISONS[peek()!.text] : undefined;
    if (kind) {
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
    // Thousands of parentheses or `!` overflow the parser's stack.
    return { refs, error: error instanceof RangeError ? 'it is nested too deeply (thousands of parentheses or `!`)' : (error as Error).message };
  }
}

/** False: the empty string, "false" and "0" (numbers: 0); anything else is true. */
export function truthy(value: string): boolean {
  return value !== '' && value !== 'false' && !(value.trim() !== '' && Number(value) === 0);
}

const numeric = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

/** `==`: numbers as numbers, text ignoring case, as GitHub Actions compares (`runner.os == 'linux'` holds on Linux). */
export function same(a: string, b: string): boolean {
  return numeric(a) && numeric(b) ? Number(a) === Number(b) : a === b || a.toLowerCase() === b.toLowerCase();
}

/** `<`, `<=`, `>`, `>=` compare numbers; with a value that is not one, false (GitHub Actions' NaN). */
function ordered(kind: 'lt' | 'le' | 'gt' | 'ge', a: string, b: string): boolean {
  if (!numeric(a) || !numeric(b)) return false;
  const x = Number(a);
  const y = Number(b);
  return kind === 'lt' ? x < y : kind === 'le' ? x <= y : kind === 'gt' ? x > y : x >= y;
}

/**
 * GitHub Actions' functions, case-insensitive as there: `contains` finds an
 * item of a JSON array (an output that is a list) or else a substring;
 * `startsWith`, `endsWith` look at text.
 */
function call(name: ConditionFunction, a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (name === 'startsWith') return x.startsWith(y);
  if (name === 'endsWith') return x.endsWith(y);
  if (a.trimStart().startsWith('[')) {
    try {
      const list: unknown = JSON.parse(a);
      if (Array.isArray(list)) return list.some((item) => (typeof item === 'string' ? item : JSON.stringify(item)).toLowerCase() === y);
    } catch {
      // Not JSON: text like any other.
    }
  }
  return x.includes(y);
}

/**
 * The literals a condition orders (`<`, `<=`, `>`, `>=`) that are not
 * numbers: such a comparison is false whatever the other side is.
 */
export function unorderedLiterals(condition: Condition): string[] {
  switch (condition.kind) {
    case 'not':
      return unorderedLiterals(condition.operand);
    case 'and':
    case 'or':
    case 'eq':
    case 'ne':
      return [...unorderedLiterals(condition.left), ...unorderedLiterals(condition.right)];
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return [condition.left, condition.right].flatMap((side) => (side.kind === 'literal' && !numeric(side.value) ? [side.value] : unorderedLiterals(side)));
    case 'call':
      return condition.args.flatMap(unorderedLiterals);
    default:
      return [];
  }
}

/** A `==` or `!=` of a reference and a literal (either way round), as a condition holds it. */
export interface LiteralComparison {
  ref: TemplateRef;
  literal: string;
  kind: 'eq' | 'ne';
}

/** Every `==` and `!=` in a condition between a reference and a literal. */
export function literalComparisons(condition: Condition): LiteralComparison[] {
  switch (condition.kind) {
    case 'not':
      return literalComparisons(condition.operand);
    case 'and':
    case 'or':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return [...literalComparisons(condition.left), ...literalComparisons(condition.right)];
    case 'eq':
    case 'ne': {
      const { left, right } = condition;
      if (left.kind === 'ref' && right.kind === 'literal') return [{ ref: left.ref, literal: right.value, kind: condition.kind }];
      if (left.kind === 'literal' && right.kind === 'ref') return [{ ref: right.ref, literal: left.value, kind: condition.kind }];
      return [...literalComparisons(left), ...literalComparisons(right)];
    }
    case 'call':
      return condition.args.flatMap(literalComparisons);
    default:
      return [];
  }
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
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        return ordered(c.kind, value(c.left), value(c.right));
      case 'call':
        return call(c.name, value(c.args[0]), value(c.args[1]));
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
      return ownValue(inputs, ref.key);
    case 'matrix':
      return task.matrix && Object.hasOwn(task.matrix, ref.key) ? String(task.matrix[ref.key]) : '';
    case 'runner':
      return runnerValue(ref.key);
    case 'params': {
      const v = ownValue(task.params, ref.key);
      return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    }
    default:
      return undefined;
  }
}
