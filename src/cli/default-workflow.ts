import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { UsageError } from '../errors.js';
import { STDIN } from '../workflow/stdin.js';
import { DEFAULT_WORKFLOW_FILES } from '../workflow/workflow-files.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { isProjectRoot } from '../workflow/project-root.js';

/** The workflow file given, else the default one (`orchestrate.yaml` or `.yml`, here or above: defaultFile); `command` is named in the hint. */
export function workflowFile(given: string | undefined, command = 'run'): string {
  if (given !== undefined) return given;
  const found = chosenDefaultFile();
  if (!found) throw new UsageError(`no workflow file given, and no orchestrate.yaml here or above it in this project: name one (orchestrate ${command} FILE), or write one with orchestrate init`);
  return found;
}

/**
 * `run [file] [tasks...]` (and `plan`): the first word is the workflow file
 * when it ends in .yaml/.yml or names an existing file; the words after it
 * are tasks to run, as make's targets are (`orchestrate run ci.yaml test`).
 * Otherwise every word is a task of orchestrate.yaml (`orchestrate run test`).
 */
export function fileAndTasks(first: string | undefined, rest: readonly string[] = [], command: 'run' | 'plan' = 'run'): { file: string; tasks: string[] } {
  if (first === undefined) return { file: workflowFile(undefined, command), tasks: [] };
  if (namesWorkflowFile(first)) return { file: first, tasks: [...rest] };
  const found = chosenDefaultFile();
  const stat = statIfPresent(first);
  if (!found && stat?.isDirectory()) throw new UsageError(`"${first}" is a directory, not a workflow file: name the file (orchestrate ${command} ${first.replace(/\/$/, '')}/FILE.yaml)`);
  // <(generate) is a pipe: a workflow belongs to a directory (its relative paths, its history), which a pipe has not.
  if (!found && stat) throw new UsageError(`"${first}" is a pipe or a device, not a workflow file: give the workflow on standard input instead (generate | orchestrate ${command} -), where it belongs to the working directory`);
  if (!found) throw new UsageError(`no file "${first}", and no orchestrate.yaml here or above it in this project to ${command} a task "${first}" of: name the workflow file first (orchestrate ${command} FILE TASK...)`);
  return { file: found, tasks: [first, ...rest] };
}

/**
 * The default workflow files (orchestrate.yaml, orchestrate.yml) of the
 * working directory, else of the nearest directory above it that has one, as
 * Taskfile searches (a subdirectory runs its project's workflow), relative to
 * the working directory. The search stops at the project's root (a directory
 * with .git or package.json: isProjectRoot) and before a directory
 * another user owns (as Taskfile's does), so that no workflow outside the
 * project, nor one someone else put above it, runs unasked.
 */
function defaultFiles(): string[] {
  const here = process.cwd();
  return defaultFilesFrom(here).map((path) => relative(here, path));
}

/** The default workflow files a command started in `start` takes (defaultFiles), as absolute paths. */
export function defaultFilesFrom(start: string): string[] {
  const uid = process.getuid?.();
  for (let dir = start; ;) {
    const found = DEFAULT_WORKFLOW_FILES.filter((name) => existsSync(join(dir, name)));
    if (found.length) return found.map((name) => join(dir, name));
    if (isProjectRoot(dir)) return [];
    const parent = dirname(dir);
    if (parent === dir || (uid !== undefined && statIfPresent(parent)?.uid !== uid)) return [];
    dir = parent;
  }
}

/** The default workflow file (defaultFiles), if there is one. */
export function defaultFile(): string | undefined {
  return defaultFiles()[0];
}

/** The default file a command takes, saying on stderr which when both are there (as docker compose does). */
function chosenDefaultFile(): string | undefined {
  const found = defaultFiles();
  if (found.length > 1) process.stderr.write(`orchestrate: both ${found.join(' and ')} are ${dirname(found[0]!) === '.' ? 'here' : `in ${dirname(found[0]!)}`}; using ${found[0]}\n`);
  return found[0];
}

/** Whether the first word of `run`/`plan` is the workflow file: a YAML name, a file that exists, or `-` (standard input). */
export function namesWorkflowFile(word: string): boolean {
  return word === STDIN || /\.ya?ml$/i.test(word) || (statIfPresent(word)?.isFile() ?? false);
}

/**
 * What `lint` checks: the files given, else orchestrate.yaml — or standard
 * input when `--stdin-filename` names what it stands for (then `-` must be
 * among the files given, if any are).
 */
export function lintedFiles(files: readonly string[], stdinFilename: string | undefined): string[] {
  if (stdinFilename === undefined) return files.length ? [...files] : [workflowFile(undefined, 'lint')];
  if (!files.length) return [STDIN];
  if (!files.includes(STDIN)) throw new UsageError('--stdin-filename names what standard input stands for, but no - (standard input) is among the files to lint');
  return [...files];
}
