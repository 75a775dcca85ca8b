import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { nearMiss } from '../util/suggest.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { warning, type Diagnostic } from './diagnostics.js';
import type { Workflow } from './model.js';
import { artifactPaths } from './check-directories.js';

/** Programs whose first argument is the script they run (`bash scripts/x.sh`, `python3 tools/y.py`). */
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'node', 'python', 'python3', 'ruby', 'perl', 'php', 'deno', 'bun', 'tsx', 'Rscript']);

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const HASH = 35;

/** Where the word at `at` ends: at a space, a tab, a line break or the end. */
function wordEnd(text: string, at: number): number {
  let i = at;
  for (let c = text.charCodeAt(i); i < text.length && c !== SPACE && c !== TAB && c !== NEWLINE && c !== RETURN; c = text.charCodeAt(++i));
  return i;
}

/** Past the spaces and tabs at `at`. */
function skipBlanks(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB) i++;
  return i;
}

/** Where the first word of the first line that is not blank or a comment starts, or -1. Read by hand: every load of a 50,000-task file reads it. */
function firstWord(text: string): number {
  let i = skipBlanks(text, 0);
  for (let c = text.charCodeAt(i); c === NEWLINE || c === RETURN || c === HASH; c = text.charCodeAt(i)) {
    if (c === HASH) {
      const line = text.indexOf('\n', i);
      if (line < 0) return -1;
      i = line;
    }
    i = skipBlanks(text, i + 1);
  }
  return i < text.length ? i : -1;
}

/** A word written plainly: no quotes, variables, templates or shell syntax, which lint cannot read as a path. */
const PLAIN_WORD = /^[^\s;|&<>()$`"'\\*?[\]{}]+$/;

/**
 * The script a command runs, as written: its first word when that is a
 * relative path (`./deploy.sh`, `../tools/x`, `scripts/x.sh`), or an
 * interpreter's first argument (`bash scripts/deploy.sh`); undefined when
 * there is none to read.
 */
export function scriptOf(command: string): string | undefined {
  const start = firstWord(command);
  if (start < 0) return undefined;
  const end = wordEnd(command, start);
  const first = command.slice(start, end);
  // A word with a slash is a path to the shell, found from the working directory unless it starts with one.
  if (first.includes('/') && !first.startsWith('/') && !first.startsWith('~')) return PLAIN_WORD.test(first) ? first : undefined;
  if (!INTERPRETERS.has(first.slice(first.lastIndexOf('/') + 1))) return undefined;
  const next = skipBlanks(command, end);
  const second = command.slice(next, wordEnd(command, next));
  return second !== '' && !second.startsWith('-') && PLAIN_WORD.test(second) ? second : undefined;
}

/** The names in a directory, or none when it cannot be read (missing, not a directory, not ours to list). */
function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Shell tasks whose `run` starts with a script (scriptOf) that is not there
 * while a file of a near name is, beside it: `./scripts/deplyo.sh` beside
 * `deploy.sh` is a typo that fails the task with "not found" only when the
 * run gets to it. A script simply missing may be what an earlier task
 * builds, and a task's artifacts are made by it: nothing is said of those.
 */
export function misspelledScripts(workflow: Workflow): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Looked at only once a script is missing: most workflows have none, and every load of a big one runs this.
  let made: Set<string> | undefined;
  const listings = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const task of workflow.tasks) {
    // An included task was checked with its own file; a cwd or command known only at run time is not read.
    if (task.kind !== 'shell' || task.includedFrom !== undefined) continue;
    const script = scriptOf(task.unfilled?.command ?? task.command);
    if (script === undefined || task.cwd.includes('${{')) continue;
    const path = resolve(task.cwd, script);
    const key = `${task.baseId}\0${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (statIfPresent(path)) continue;
    made ??= artifactPaths(workflow);
    if (made.has(path)) continue;
    const dir = dirname(path);
    if (!listings.has(dir)) listings.set(dir, entriesOf(dir));
    const name = basename(path);
    const near = nearMiss(name, listings.get(dir)!);
    if (near === undefined) continue;
    const written = join(dirname(script), near);
    const suggested = script.startsWith('./') && !written.startsWith('.') ? `./${written}` : written;
    const where = relative(workflow.dir, dir) || '.';
    diagnostics.push(warning('missing-program', `task "${task.baseId}" runs ${script}, but there is no ${name} in ${where} (did you mean ${suggested}?): the task would fail with "not found" when the run gets to it`, [...task.path, 'run']));
  }
  return diagnostics;
}
