import { resolve } from 'node:path';
import { exitForSignal, OrchestrateError, SIGNAL_EXIT, UsageError } from '../errors.js';
import { matchSources } from '../run/sources.js';
import { includedFiles } from '../workflow/include.js';
import { loadWorkflowFile } from '../workflow/load.js';
import { STDIN } from '../workflow/stdin.js';
import { reportError } from './program.js';
import { runCommand, type RunCommandOptions } from './commands/run.js';
import { writeErr } from './output.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { pollForChange } from './poll-change.js';

interface Watched {
  sources: string[];
  artifacts: string[];
  cwd: string;
  /** Its prompt file (absolute), which is part of its definition. */
  promptFile?: string;
}

/**
 * What the watch looks at: the workflow file and the files it includes, the
 * prompt files, and the files every task's sources match, by name, size and
 * modification time (cheap to take every poll; the run itself compares
 * contents). With `skipArtifacts`, leaves out the files tasks declare they
 * write: a run changes those itself.
 */
function snapshot(workflowFiles: readonly string[], tasks: readonly Watched[], skipArtifacts = false): string {
  const written = new Set<string>();
  if (skipArtifacts) for (const t of tasks) for (const a of matchSources(t.artifacts, t.cwd).files) written.add(resolve(t.cwd, a));
  const parts: string[] = [];
  const add = (path: string) => {
    if (written.has(path)) return;
    const stat = statIfPresent(path);
    parts.push(stat ? `${path}\0${stat.size}\0${stat.mtimeMs}` : `${path}\0missing`);
  };
  for (const file of workflowFiles) add(file);
  for (const task of tasks) {
    if (task.promptFile) add(task.promptFile);
    const { files, missing } = matchSources(task.sources, task.cwd);
    for (const f of files) add(resolve(task.cwd, f));
    for (const m of missing) parts.push(`${resolve(task.cwd, m)}\0missing`);
  }
  return parts.join('\n');
}

/**
 * The workflow file with the files it includes, and the tasks with sources or
 * a prompt file of the workflow as it is now (none when it does not load: then
 * `valid` is false, and its files are watched for the edit that mends it).
 */
async function watched(file: string, options: RunCommandOptions): Promise<{ files: string[]; tasks: Watched[]; valid: boolean }> {
  try {
    const result = await loadWorkflowFile(file, { configPath: options.config });
    const files = [resolve(file), ...includedFiles(result).map((r) => r.file)];
    const tasks = (result.workflow?.tasks ?? []).filter((t) => t.sources.length || t.promptFile)
      .map((t): Watched => ({ sources: t.sources, artifacts: t.artifacts, cwd: t.cwd, promptFile: t.promptFile }));
    return { files, tasks, valid: result.workflow !== undefined };
  } catch {
    return { files: [resolve(file)], tasks: [], valid: false };
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * The signal that stops a watch, heard for the watch's whole life: during a
 * run (which stops it too), between runs and while it waits for a change, so
 * none is lost in between.
 */
class StopSignal {
  signal?: NodeJS.Signals;
  private wake?: () => void;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.signal ??= signal;
    this.wake?.();
  };

  constructor() {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  /** Resolves when the snapshot differs from `before` (pollForChange), or when a signal came. */
  changeOrStop(take: () => string, before: string): Promise<void> {
    return new Promise((done) => {
      const finish = () => {
        stopPolling();
        this.wake = undefined;
        done();
      };
      const stopPolling = pollForChange(take, before, finish);
      this.wake = finish;
      if (this.signal) finish();
    });
  }

  close(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}

/**
 * `orchestrate run --watch`: runs the workflow, then again whenever the workflow
 * file or a file of any task's sources changes (tasks whose sources did not
 * change are up to date), until Ctrl-C. A change during a run starts the next
 * one as soon as it ends; an invalid workflow is reported and waited out.
 */
export async function watchCommand(file: string, options: RunCommandOptions): Promise<number> {
  if (options.resume !== undefined && options.resume !== false) throw new UsageError('--watch and --resume cannot be combined: each watched run is a new run');
  if (options.dryRun || options.json || options.events === '-' || options.commands) throw new UsageError('--watch runs for real and prints a summary per run: leave out --dry-run, --commands, --json and --events -');
  if (file === STDIN) throw new UsageError('--watch runs the workflow again when its file changes: it needs a file, not standard input (-)');
  const first = await watched(file, options);
  if (first.valid && !first.tasks.length) throw new UsageError('--watch needs tasks with `sources` (or a `promptFile`) to watch');
  const stop = new StopSignal();
  try {
    return await watchLoop(file, options, stop);
  } finally {
    stop.close();
  }
}

async function watchLoop(file: string, options: RunCommandOptions, stop: StopSignal): Promise<number> {
  for (;;) {
    const { files, tasks, valid } = await watched(file, options);
    // Changes during the run, other than the files tasks declare they write, mean running again at once.
    const during = snapshot(files, tasks, true);
    let code: number;
    try {
      code = await runCommand(file, options, { earlierSignal: () => stop.signal });
    } catch (error) {
      // An invalid workflow (being edited) or a bad input: said, then waited out.
      if (!(error instanceof OrchestrateError)) throw error;
      code = await reportError(error);
    }
    if (stop.signal) return exitForSignal(stop.signal);
    if (Object.values(SIGNAL_EXIT).includes(code)) return code;
    if (snapshot(files, tasks, true) !== during) {
      await writeErr('orchestrate: a change during the run, running again\n');
      continue;
    }
    const take = () => snapshot(files, tasks);
    const before = take();
    const count = tasks.reduce((n, t) => n + matchSources(t.sources, t.cwd).files.length + (t.promptFile ? 1 : 0), 0);
    const includes = files.length - 1;
    const workflowFiles = `${file}${includes ? ` and the ${includes} file${includes === 1 ? '' : 's'} it includes` : ''}`;
    // An invalid workflow has no tasks to watch yet: only its files, until it loads.
    const what = valid ? `${count} file${count === 1 ? '' : 's'} of ${tasks.length} task${tasks.length === 1 ? '' : 's'} and ${workflowFiles}` : `${workflowFiles} until it loads again`;
    await writeErr(`orchestrate: watching ${what} (Ctrl-C to stop)\n`);
    await stop.changeOrStop(take, before);
    if (stop.signal) return exitForSignal(stop.signal);
    await writeErr('orchestrate: change seen, running again\n');
  }
}
