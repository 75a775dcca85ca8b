import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { editDistance } from '../util/suggest.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { warning, type Diagnostic } from './diagnostics.js';
import type { Workflow } from './model.js';

/** Programs whose first argument is the script they run (`bash scripts/x.sh`, `python3 tools/y.py`). */
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'node', 'python', 'python3', 'ruby', 'perl', 'php', 'deno', 'bun', 'tsx', 'Rscript']);

/** The first two words of the first line that is not blank or a comment (one look: every load of a 50,000-task file reads them). */
const FIRST_WORDS = /^(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*([^\s#]\S*)(?:[ \t]+(\S+))?/;

/** A word written plainly: no quotes, variables, templates or shell syntax, which lint cannot read as a path. */
const PLAIN_WORD = /^[^\s;|&<>()$`"'\\*?[\]{}]+$/;

/**
 * The script a command runs, as written: its first word when that is a
 * relative path (`./deploy.sh`, `../tools/x`, `scripts/x.sh`), or an
 * interpreter's first argument (`bash scripts/deploy.sh`); undefined when
 * there is none to read.
 */
export function scriptOf(command: string): string | undefined {
  const [, first, second] = FIRST_WORDS.exec(command) ?? [];
  if (first === undefined) return undefined;
  // A word with a slash is a path to the shell, found from the working directory unless it starts with one.
  if (first.includes('/') && !first.startsWith('/') && !first.startsWith('~')) return PLAIN_WORD.test(first) ? first : undefined;
  const program = basename(first);
  if (!INTERPRETERS.has(program) || second === undefined || second.startsWith('-') || !PLAIN_WORD.test(second)) return undefined;
  return second;
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
  const made = new Set(workflow.tasks.flatMap((t) => t.artifacts.map((a) => resolve(t.cwd, a))));
  const listings = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const task of workflow.tasks) {
    // An included task was checked with its own file; a cwd or command known only at run time is not read.
    if (task.kind !== 'shell' || task.includedFrom !== undefined || task.cwd.includes('${{')) continue;
    const script = scriptOf(task.unfilled?.command ?? task.command);
    if (script === undefined) continue;
    const path = resolve(task.cwd, script);
    const key = `${task.baseId}\0${path}`;
    if (seen.has(key) || made.has(path)) continue;
    seen.add(key);
    if (statIfPresent(path)) continue;
    const dir = dirname(path);
    if (!listings.has(dir)) listings.set(dir, statIfPresent(dir)?.isDirectory() ? readdirSync(dir) : []);
    const name = basename(path);
    const limit = Math.min(2, Math.max(1, Math.floor(name.length / 4)));
    const near = listings.get(dir)!.find((entry) => entry !== name && editDistance(name.toLowerCase(), entry.toLowerCase(), limit) <= limit);
    if (near === undefined) continue;
    const written = join(dirname(script), near);
    const suggested = script.startsWith('./') && !written.startsWith('.') ? `./${written}` : written;
    const where = relative(workflow.dir, dir) || '.';
    diagnostics.push(warning('missing-program', `task "${task.baseId}" runs ${script}, but there is no ${name} in ${where} (did you mean ${suggested}?): the task would fail with "not found" when the run gets to it`, [...task.path, 'run']));
  }
  return diagnostics;
}
