import type { Workflow } from '../workflow/model.js';
import { encodedForms, WRAP_WIDTHS, wrappedBase64 } from './secret-encodings.js';
import { escapeRegExp } from '../util/escape-regexp.js';
import { MASK, secretVariableMatcher } from '../util/secret-names.js';

export { MASK };

/** Shortest value worth masking: shorter ones would blank ordinary words. */
const MIN_SECRET_LENGTH = 3;

/** How many of a wrapped line's last characters key it. */
const LINE_KEY = 12;

/** Shortest start of a wrapped base64 encoding's last line masked on its own (six bytes of the secret). */
const MIN_WRAPPED_TAIL = 8;

/**
 * The most characters of pattern that encoded forms may fill. V8 stops
 * optimising a regular expression of more than 20 KB of source: past it, an
 * alternation of a few hundred secrets masked text 20 times slower (a PEM key's
 * encodings in the pattern took 17 MB of output from 0.08 s to 2 s).
 */
const PATTERN_ROOM = 20_000;

/**
 * Texts longer than this (a key file, its encodings) are looked for one by one
 * with indexOf, a fast search for a long text, rather than in the pattern,
 * which they would swell past V8's limit: three PEM keys did.
 */
const LONG_TEXT = 256;


/**
 * The secret values to mask: the values of the variables named in `secrets`
 * and of every variable whose name matches one of `patterns` (`*TOKEN*`...).
 */
export function secretValues(env: Record<string, string | undefined>, names: readonly string[], patterns: readonly string[]): string[] {
  const values = new Set<string>();
  let isSecret: ((name: string) => boolean) | undefined;
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    isSecret ??= secretVariableMatcher(names, patterns);
    if (isSecret(name)) {
      values.add(value);
      // A multi-line secret is also masked line by line, as logs split it.
      for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_SECRET_LENGTH) values.add(line);
    }
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * Replaces secret values, and the forms they take encoded (secret-encodings.ts),
 * by *** in text, also across the chunks of a stream.
 * A secret a task registers while the run goes on (`::add-mask::`) joins it
 * (`add`); `generation` counts those, so that text masked before one came
 * can be masked again.
 */
export class SecretMasker {
  /** The texts to mask shorter than `longFrom` characters, longest first, as one alternation. */
  private pattern?: RegExp;
  /** The longer ones, longest first. */
  private long: string[] = [];
  private readonly longFrom: number;
  private all: string[];
  private longestValue = 0;
  private added = 0;
  /** Whether a secret holds a line break: only then may a match run past the end of a line. */
  private multiline = false;
  /** The whole lines of secrets' wrapped base64 (wrappedBase64), each masked where a line ends with it: by their last characters, widest first. */
  private wrappedLines = new Map<string, string[]>();

  /** `longFrom`: the length from which a text is looked for on its own (LONG_TEXT; tests move it). */
  constructor(values: readonly string[], { longFrom = LONG_TEXT + 1 }: { longFrom?: number } = {}) {
    this.all = [...values];
    this.longFrom = longFrom;
    this.compile();
  }

  get values(): readonly string[] {
    return this.all;
  }

  /** The length of the longest text masked (a value or an encoded form of one). */
  get longest(): number {
    return this.longestValue;
  }

  /** How many values were added since the masker was made. */
  get generation(): number {
    return this.added;
  }

  private compile(): void {
    const values = [...new Set(this.all.filter((v) => v.length >= MIN_SECRET_LENGTH))];
    // The lines of a multi-line secret (a PEM key's fifty) are masked as they are; the whole one's encodings stand for them.
    const lines = new Set(values.filter((v) => v.includes('\n')).flatMap((v) => v.split(/\r?\n/)));
    const whole = values.filter((v) => !lines.has(v));
    const single = [...new Set(whole.flatMap((v) => encodedForms(v, MIN_SECRET_LENGTH)))].sort((a, b) => a.length - b.length);
    // A wrapped encoding (a key file through `base64`): its whole lines are looked up where a line ends, costing the
    // pattern nothing; the start of its last line comes after the forms that fit on one line, more often printed.
    const wrapped = whole.map((v) => wrappedBase64(v, MIN_WRAPPED_TAIL));
    this.wrappedLines = new Map();
    for (const line of new Set(wrapped.flatMap((w) => w.lines).sort((a, b) => b.length - a.length))) {
      const key = line.slice(-LINE_KEY);
      this.wrappedLines.set(key, [...(this.wrappedLines.get(key) ?? []), line]);
    }
    const tails = [...new Set(wrapped.flatMap((w) => w.tails))].sort((a, b) => a.length - b.length);
    const forms = [...new Set([...single, ...tails])].filter((form) => !values.includes(form));
    // The values always; their encoded forms in that order, each that still fits in a pattern small enough for V8 to
    // optimise (a long one, looked for on its own, always does).
    const patternSize = (text: string) => (text.length >= this.longFrom ? 0 : escapeRegExp(text).length + 1);
    let room = PATTERN_ROOM - values.reduce((size, v) => size + patternSize(v), 0);
    const kept: string[] = [];
    for (const form of forms) {
      const size = patternSize(form);
      if (size > 0 && size > room) continue;
      room -= size;
      kept.push(form);
    }
    // Longest first: of two secrets where one holds the other, the whole is masked.
    const usable = [...values, ...kept].sort((a, b) => b.length - a.length);
    // A wrapped line is decided by the line break after it (and a carriage return before that).
    this.longestValue = usable.reduce((m, v) => Math.max(m, v.length), this.wrappedLines.size ? Math.max(...WRAP_WIDTHS) + 2 : 0);
    this.multiline = usable.some((v) => v.includes('\n'));
    this.long = usable.filter((v) => v.length >= this.longFrom);
    const short = usable.filter((v) => v.length < this.longFrom);
    this.pattern = short.length ? new RegExp(short.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /**
   * Where the texts to mask are in `text`, left to right, as one alternation
   * of all of them, longest first, finds them: at each place the longest that
   * starts there, and the next from where it ends.
   */
  private *found(text: string): Generator<[start: number, end: number]> {
    const pattern = this.pattern;
    const next = this.long.map((v) => text.indexOf(v));
    let short: RegExpExecArray | null | undefined;
    let line: [number, number] | null | undefined;
    for (let at = 0; ;) {
      if (pattern && (short === undefined || (short !== null && short.index < at))) {
        pattern.lastIndex = at;
        short = pattern.exec(text);
      }
      if (this.wrappedLines.size && (line === undefined || (line !== null && line[0] < at))) line = this.wrappedLineAfter(text, at);
      let start = -1;
      let length = 0;
      this.long.forEach((v, k) => {
        if (next[k]! !== -1 && next[k]! < at) next[k] = text.indexOf(v, at);
        // Longest first: of two starting at one place, the first found is the longer.
        if (next[k]! !== -1 && (start === -1 || next[k]! < start)) [start, length] = [next[k]!, v.length];
      });
      // A long text is longer than any in the pattern: it wins where both start.
      if (short && (start === -1 || short.index < start)) [start, length] = [short.index, short[0].length];
      if (line && (start === -1 || line[0] < start || (line[0] === start && line[1] - line[0] > length))) [start, length] = [line[0], line[1] - line[0]];
      if (start === -1) return;
      yield [start, start + length];
      at = start + length;
    }
  }

  /**
   * The first whole line of a wrapped encoding that starts at `from` or after:
   * it ends where a line does, or the text (`$(base64 key.pem)` drops the last
   * line break; a stream holds a text's last line until it is decided, see
   * longestValue).
   */
  private wrappedLineAfter(text: string, from: number): [number, number] | null {
    for (let nl = text.indexOf('\n', from); ; nl = text.indexOf('\n', nl + 1)) {
      const stop = nl === -1 ? text.length : nl;
      const end = text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
      // Looked up by their last characters (a short key, as most lines are not one), then compared whole, widest
      // first: where both end a line, a 76-character line holds a 64-character one.
      if (end - LINE_KEY >= from) {
        for (const line of this.wrappedLines.get(text.slice(end - LINE_KEY, end)) ?? []) {
          if (end - line.length >= from && text.startsWith(line, end - line.length)) return [end - line.length, end];
        }
      }
      if (nl === -1) return null;
    }
  }

  /** Masks `value` from now on; false when it already was, or is too short to mask. */
  add(value: string): boolean {
    if (value.length < MIN_SECRET_LENGTH || this.all.includes(value)) return false;
    this.all.push(value);
    this.compile();
    this.added++;
    return true;
  }

  get active(): boolean {
    return this.pattern !== undefined || this.long.length > 0;
  }

  mask(text: string): string {
    if (!this.long.length && !this.wrappedLines.size) return this.pattern ? text.replace(this.pattern, MASK) : text;
    let masked = '';
    let from = 0;
    for (const [start, end] of this.found(text)) {
      masked += text.slice(from, start) + MASK;
      from = end;
    }
    return masked + text.slice(from);
  }

  /** Masks every string inside a JSON-like value (events, results). */
  maskDeep<T>(value: T): T {
    if (!this.active) return value;
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    // Made as own properties, so that a key such as `__proto__` (a task's output) stays one.
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    return value;
  }

  /**
   * Masks the part of `text` whose matches are already decided, as masking the
   * whole stream would: a match starting where fewer than `longest` characters
   * follow might be longer with the next chunk, so text from there (or from
   * the end of a match that runs past it) is returned as the rest, unmasked.
   */
  maskDecided(text: string): [masked: string, rest: string] {
    if (!this.active) return [text, ''];
    // No match runs past a line break unless a secret holds one: whole lines are decided, and
    // reach the log and the console at once rather than with the next output.
    const decided = Math.max(text.length - (this.longest - 1), this.multiline ? 0 : text.lastIndexOf('\n') + 1);
    let boundary = Math.max(0, decided);
    let masked = '';
    let from = 0;
    for (const [start, end] of this.found(text)) {
      if (start >= decided) break;
      masked += text.slice(from, start) + MASK;
      from = end;
      boundary = Math.max(boundary, from);
    }
    return [masked + text.slice(from, boundary), text.slice(boundary)];
  }

  /** A streaming masker: holds back just enough text that a secret split across chunks is still caught. */
  stream(): MaskingStream {
    return new MaskingStream(this);
  }
}

export class MaskingStream {
  private carry = '';
  constructor(private readonly masker: SecretMasker) {}

  /** Masked text that is safe to emit now; the rest waits for the next chunk. */
  write(chunk: string): string {
    if (!this.masker.active) return chunk;
    const [masked, rest] = this.masker.maskDecided(this.carry + chunk);
    this.carry = rest;
    return masked;
  }

  /**
   * The whole lines held back, masked, when no more may come for a while: only
   * a secret holding a line break holds lines back (it might start in them), and
   * a task gone quiet should not keep its last lines from the console. They are
   * masked as they are, each of such a secret's lines being a secret too, as
   * GitHub Actions masks line by line.
   */
  flushLines(): string {
    const cut = this.carry.lastIndexOf('\n') + 1;
    if (cut === 0) return '';
    const lines = this.masker.mask(this.carry.slice(0, cut));
    this.carry = this.carry.slice(cut);
    return lines;
  }

  /** Whether whole lines are held back (see flushLines). */
  get holdsLines(): boolean {
    return this.carry.includes('\n');
  }

  /** The rest, masked. */
  end(): string {
    const rest = this.masker.mask(this.carry);
    this.carry = '';
    return rest;
  }
}

/**
 * The secrets of a run: named ones and secret-looking names, in the environment
 * (by default the process's over the workflow's dotenv files) and the workflow.
 */
export function workflowMasker(workflow: Workflow, env: Record<string, string | undefined> = { ...workflow.dotenv, ...process.env }): SecretMasker {
  const all: Record<string, string | undefined> = { ...env, ...workflow.env };
  const values = new Set(secretValues(all, workflow.secrets, workflow.secretPatterns));
  const scopes = [...Object.values(workflow.agents).map((a) => a.env), ...workflow.tasks.map((t) => t.env)];
  for (const scope of scopes) for (const v of secretValues(scope, workflow.secrets, workflow.secretPatterns)) values.add(v);
  // An input whose name looks secret (`token`, `api_key`) is one too, wherever its value goes; an included file's as well.
  for (const inputs of new Set([workflow.inputs ?? {}, ...workflow.tasks.flatMap((t) => (t.inputValues ? [t.inputValues] : []))])) {
    for (const v of secretValues(inputs, [], workflow.secretPatterns)) values.add(v);
  }
  return new SecretMasker([...values]);
}
