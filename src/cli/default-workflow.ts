import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { STDIN } from '../workflow/stdin.js';
import { DEFAULT_WORKFLOW_FILES } from '../workflow/workflow-files.js';
import { statIfPresent } from '../util/stat-if-present.js';

/** The workflow file given, else `orchestrate.yaml` (or `.yml`) in the working directory; `command` is named in the hint. */
export function workflowFile(given: string | undefined, command = 'run'): string {
  if (given !== undefined) return given;
  const found = chosenDefaultFile();
  if (!found) throw new UsageError(`no workflow file given, and no orchestrate.yaml here: name one (orchestrate ${command} FILE), or write one with orchestrate init`);
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
  if (!found) throw new UsageError(`no file "${first}", and no orchestrate.yaml here to ${command} a task "${first}" of: name the workflow file first (orchestrate ${command} FILE TASK...)`);
  return { file: found, tasks: [first, ...rest] };
}

/** orchestrate.yaml (or .yml) in the working directory, if there is one. */
export function defaultFile(): string | undefined {
  return DEFAULT_WORKFLOW_FILES.find((name) => existsSync(name));
}

/** The default file a command takes, saying on stderr which when both are here (as docker compose does). */
function chosenDefaultFile(): string | undefined {
  const found = DEFAULT_WORKFLOW_FILES.filter((name) => existsSync(name));
  if (found.length > 1) process.stderr.write(`orchestrate: both ${found.join(' and ')} are here; using ${found[0]}\n`);
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
