/** A `${{ ... }}` expression found in a string. */
export type TemplateRef =
  | { kind: 'task-output'; task: string; key: string; text: string }
  | { kind: 'matrix'; key: string; text: string }
  | { kind: 'env'; key: string; text: string }
  | { kind: 'params'; key: string; text: string }
  | { kind: 'inputs'; key: string; text: string }
  | { kind: 'runner'; key: string; text: string };

export interface ParsedTemplate {
  refs: TemplateRef[];
  /** Syntax problems, with the offending text. */
  errors: Array<{ message: string; text: string }>;
}

const OPEN = '${{';
const CLOSE = '}}';
const KEY = '[A-Za-z_][A-Za-z0-9_-]*';
const EXPRESSIONS: Array<[RegExp, (m: RegExpExecArray, text: string) => TemplateRef]> = [
  [new RegExp(`^tasks\\.([A-Za-z0-9_][A-Za-z0-9_.\\-]*(?:\\[.*\\])?)\\.outputs\\.(${KEY})$`), (m, text) => ({ kind: 'task-output', task: m[1]!, key: m[2]!, text })],
  [new RegExp(`^matrix\\.(${KEY})$`), (m, text) => ({ kind: 'matrix', key: m[1]!, text })],
  [new RegExp(`^env\\.(${KEY})$`), (m, text) => ({ kind: 'env', key: m[1]!, text })],
  [new RegExp(`^params\\.(${KEY})$`), (m, text) => ({ kind: 'params', key: m[1]!, text })],
  [new RegExp(`^inputs\\.(${KEY})$`), (m, text) => ({ kind: 'inputs', key: m[1]!, text })],
  [new RegExp(`^runner\\.(${KEY})$`), (m, text) => ({ kind: 'runner', key: m[1]!, text })],
];

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
    else errors.push({ message: `unknown template expression "${expression}": use tasks.ID.outputs.KEY, matrix.KEY, env.KEY, params.KEY, inputs.NAME or runner.KEY`, text: whole });
    from = end + CLOSE.length;
  }
  return { refs, errors };
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
