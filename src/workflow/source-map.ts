import { createRequire } from 'node:module';
import type { LineCounter, Node } from 'yaml';

// The yaml package is loaded only when a position is needed: valid files never pay for it.
const require = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
const yaml = () => (yamlModule ??= require('yaml') as typeof import('yaml'));
const isMap = (n: unknown) => yaml().isMap(n);
const isSeq = (n: unknown) => yaml().isSeq(n);
const isPair = (n: unknown) => yaml().isPair(n);
const isScalar = (n: unknown) => yaml().isScalar(n);
import type { DocPath, Position } from './diagnostics.js';

/**
 * Maps document paths to source positions. The text is parsed with the `yaml`
 * library (which keeps node ranges) only on the first lookup, so a valid file
 * never pays for positions.
 */
export class SourceMap {
  readonly file: string;
  readonly text: string;
  private readonly prefix: DocPath;
  private doc?: { contents: unknown; lines: LineCounter };
  /** Values the file holds that are secrets: a line shown has them as `*`s (as many, so carets under the line stay where they were). */
  private hidden: readonly string[] = [];

  constructor(file: string, text: string, prefix: DocPath = []) {
    this.file = file;
    this.text = text;
    this.prefix = prefix;
  }

  /** The position of the value at `path` (or of its key), or of its nearest existing parent; narrowed to `find` when given and found. */
  locate(path: DocPath, atKey = false, find?: string): Position {
    const range = this.range(path, atKey);
    if (find) {
      const at = this.text.indexOf(find, range[0]);
      if (at !== -1 && at < (range[1] ?? range[0]!)) return this.rangeToPosition([at, at + find.length]);
    }
    return this.rangeToPosition(range);
  }

  private range(path: DocPath, atKey: boolean): readonly number[] {
    const doc = this.parse();
    let node = doc.contents as Node | null | undefined;
    let range: readonly number[] | undefined = node?.range ?? undefined;
    for (const [index, segment] of [...this.prefix, ...path].entries()) {
      const last = index === this.prefix.length + path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) break;
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        if (last && atKey && key?.range) {
          range = key.range;
          break;
        }
        range = value?.range ?? key?.range ?? range;
        node = value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        range = item.range ?? range;
        node = item;
      } else {
        break;
      }
    }
    return range ?? [0, 0];
  }

  /** The source line (1-based) as shown, without its line break, the secrets it holds hidden (hide). */
  line(line: number): string | undefined {
    const lines = this.lineStarts();
    if (line < 1 || line > lines.length) return undefined;
    const start = lines[line - 1]!;
    const end = line < lines.length ? lines[line]! - 1 : this.text.length;
    let shown = this.text.slice(start, end).replace(/\r$/, '');
    for (const secret of this.hidden) shown = shown.split(secret).join('*'.repeat(secret.length));
    return shown;
  }

  /** Hides these values (secrets the file holds; one of several lines, a key file, line by line) wherever a line of it is shown. */
  hide(values: readonly string[]): void {
    const parts = values.flatMap((v) => (v.includes('\n') ? v.split('\n').map((line) => line.trim()).filter((line) => line.length >= 3) : [v]));
    // Longest first: a secret that contains another is hidden whole.
    this.hidden = [...new Set(parts)].sort((a, b) => b.length - a.length);
  }

  private starts?: number[];
  private lineStarts(): number[] {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    return this.starts;
  }

  private rangeToPosition(range: readonly number[]): Position {
    const doc = this.parse();
    const start = doc.lines.linePos(range[0]!);
    const end = doc.lines.linePos(Math.max(range[0]!, range[1] ?? range[0]!));
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  }

  private parse(): { contents: unknown; lines: LineCounter } {
    if (!this.doc) {
      const lines = new (yaml().LineCounter)();
      const document = yaml().parseDocument(this.text, { lineCounter: lines, uniqueKeys: false, merge: true, strict: false });
      this.doc = { contents: document.contents, lines };
    }
    return this.doc;
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
