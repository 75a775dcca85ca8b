import { readCapped } from '../util/read-capped.js';
import { ownValue, RESERVED_NAME, RESERVED_WHY } from '../util/own-value.js';
import { expandHome } from '../util/home-path.js';
import { MAX_FILE_BYTES } from './parse-yaml.js';
import { ioReason } from '../errors.js';
import { relative, resolve } from 'node:path';
import { error, type Diagnostic } from './diagnostics.js';
import type { InputValues } from './inputs.js';
import { fillLoadTime, loadTimeDiagnostics } from './load-time-template.js';
import { hasTemplate } from './templates.js';

export interface ParsedDotenv {
  values: Record<string, string>;
  /** Lines that are not NAME=value, 1-based. */
  problems: Array<{ line: number; message: string }>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/**
 * Parses a .env file as the dotenv libraries and Docker do: `NAME=value`
 * lines, an optional `export `, `#` comments (after a space in an unquoted
 * value), 'single-quoted' values taken as written, "double-quoted" ones with
 * \n \t \" \\ escapes; quoted values may span lines. No `${VAR}` expansion.
 * A later line overrides an earlier one.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const values: Record<string, string> = {};
  const problems: ParsedDotenv['problems'] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  // A value with a character replaced would reach tasks as another value.
  const replaced = lines.findIndex((line) => line.includes('\ufffd'));
  if (replaced !== -1) problems.push({ line: replaced + 1, message: 'holds a byte that is not UTF-8 (was the file saved as Latin-1 or Windows-1252? save it as UTF-8), or U+FFFD, the mark a conversion leaves where it lost a character' });
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const body = line.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq).trim();
    if (eq === -1 || !NAME.test(name) || name === RESERVED_NAME) {
      // The line itself is not shown: a dotenv file is where secrets are kept, and a key pasted alone is a line without `=`.
      const why = eq === -1 ? 'expected NAME=value: the line has no "="' : name === RESERVED_NAME ? `"${name}" is not a valid variable name: ${RESERVED_WHY}` : `"${name.slice(0, 40)}" is not a variable name`;
      problems.push({ line: lineNo, message: why });
      continue;
    }
    let rest = body.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      // An unquoted value ends at a comment that follows a space.
      values[name] = rest.replace(/\s+#.*$/, '').trim();
      continue;
    }
    // A quoted value: up to its closing quote, on this line or a later one.
    let value = '';
    let closed = false;
    let at = 1;
    for (;;) {
      for (; at < rest.length; at++) {
        const c = rest[at]!;
        if (quote === '"' && c === '\\' && at + 1 < rest.length) {
          value += ESCAPES[rest[at + 1]!] ?? `\\${rest[at + 1]}`;
          at++;
        } else if (c === quote) {
          closed = true;
          break;
        } else value += c;
      }
      if (closed || i + 1 >= lines.length) break;
      value += '\n';
      rest = lines[++i]!;
      at = 0;
    }
    if (!closed) {
      problems.push({ line: lineNo, message: `the value of ${name} opens a ${quote === '"' ? 'double' : 'single'} quote that is never closed` });
      continue;
    }
    const after = rest.slice(at + 1).trim();
    if (after && !after.startsWith('#')) {
      // Not shown: it may be the rest of a secret that holds its quote.
      problems.push({ line: i + 1, message: `unexpected text after the closing quote of the value of ${name}` });
      continue;
    }
    values[name] = value;
  }
  return { values, problems };
}

/** A path as the user would type it here: relative to the working directory when it is below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * The paths of a workflow's `dotenv` files (relative to `dir`; `~` is the home
 * directory), their templates of the inputs and the runner filled
 * (`.env.${{ inputs.stage }}`), as Taskfile fills its `dotenv` paths. A path
 * whose input has no value here (lint, plan) is undefined: it is not read.
 * `inputs`: those the paths read, on which every task's environment depends.
 */
export function dotenvPaths(entries: readonly string[], dir: string, declared: readonly string[], values: InputValues): { paths: Array<string | undefined>; inputs: string[]; diagnostics: Diagnostic[] } {
  const inputs = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const paths = entries.map((entry, i) => {
    if (!hasTemplate(entry)) return resolve(dir, expandHome(entry));
    const checked = loadTimeDiagnostics(entry, declared, 'dotenv', ['dotenv', i], (ref) =>
      error('bad-dotenv', `dotenv uses ${ref.text}, but its files are read when the workflow loads: a path can read \${{ inputs.NAME }} and \${{ runner.KEY }} only`, ['dotenv', i]));
    diagnostics.push(...checked.diagnostics);
    if (checked.diagnostics.length || !checked.inputs.every((name) => ownValue(values, name) !== undefined)) return undefined;
    for (const name of checked.inputs) inputs.add(name);
    return resolve(dir, expandHome(fillLoadTime(entry, values)));
  });
  return { paths, inputs: [...inputs], diagnostics };
}

/**
 * The variables of a workflow's dotenv files, in order (a later file overrides
 * an earlier one), each file read once; an undefined path (dotenvPaths) is left
 * out. A missing file is skipped: .env files are usually not committed, and CI
 * sets the variables itself. An unreadable or malformed one is a diagnostic at
 * its `dotenv` entry, naming the line.
 */
export function readDotenvFiles(paths: ReadonlyArray<string | undefined>): { values: Record<string, string>; diagnostics: Diagnostic[] } {
  const values: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  paths.forEach((path, i) => {
    if (path === undefined) return;
    const problem = (message: string) => diagnostics.push(error('bad-dotenv', message, ['dotenv', i]));
    let text: string | undefined;
    try {
      // Capped: a device such as /dev/zero would otherwise be read for ever.
      text = readCapped(path, MAX_FILE_BYTES);
    } catch (caught) {
      const code = (caught as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problem(`cannot read the dotenv file ${shown(path)}: ${ioReason(caught)}`);
      return;
    }
    if (text === undefined) {
      problem(`the dotenv file ${shown(path)} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: not read`);
      return;
    }
    const nul = text.indexOf('\0');
    if (nul !== -1) {
      problem(`${shown(path)}:${text.slice(0, nul).split('\n').length}: a NUL byte (\\0), which no environment variable can carry: is it a binary file?`);
      return;
    }
    const parsed = parseDotenv(text);
    if (parsed.problems.length) problem(`${shown(path)}:${parsed.problems[0]!.line}: ${parsed.problems[0]!.message}`);
    else Object.assign(values, parsed.values);
  });
  return { values, diagnostics };
}
