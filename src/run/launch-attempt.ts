import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskSpec } from '../workflow/model.js';
import { IoError, ioReason } from '../errors.js';
import type { AttemptResult } from './attempt.js';
import { attemptRequest, placedTask } from './attempt-request.js';
import { checkAttempt } from './check-attempt.js';
import { TAIL_LINES } from './task-log.js';
import type { EngineOptions } from './engine-options.js';
import { taskFileName } from './file-names.js';
import { makeStateDirectory } from '../workflow/project-root.js';
import { againInMadeDirectory } from '../util/write-back.js';
import type { RuntimeValues } from './runtime-values.js';
import { fingerprintSources } from './sources.js';
import type { TaskState } from './task-state.js';

/** What every attempt of a run is launched with. */
export interface LaunchContext {
  options: Pick<EngineOptions, 'runId' | 'runDir' | 'masker' | 'executorFor' | 'onOutput'>;
  /** The private directory of the run's output files. */
  outputDir: string;
  values: RuntimeValues;
  gracePeriod: number;
}

/** The run's launch context, with a private directory for its output files: tasks write them in clear, so they live outside the project. */
export function openLaunchContext(options: LaunchContext['options'], values: RuntimeValues, gracePeriod: number): LaunchContext {
  const temporary = tmpdir();
  let outputDir: string;
  try {
    // The spawners remove it by this name if the runner is killed (spawner-main.ts).
    outputDir = mkdtempSync(join(temporary, 'orchestrate-outputs-'));
  } catch (error) {
    // Before anything runs: TMPDIR names a directory that is gone (a container without it mounted) or not writable.
    throw new IoError(temporary, `cannot make the run's private directory in ${temporary}${process.env.TMPDIR ? ' (TMPDIR)' : ''}: ${ioReason(error)}; set TMPDIR to a directory that exists and can be written`);
  }
  return { options, outputDir, values, gracePeriod };
}

/** Deletes the output files, all read by now. */
export function closeLaunchContext(c: LaunchContext): void {
  rmSync(c.outputDir, { recursive: true, force: true });
}

export interface AttemptEnd {
  /** How the attempt ended, its artifacts and outputs checked (checkAttempt): an exit 0 that left one out failed as `invalid`. */
  result: AttemptResult;
  /** The artifacts it left, after an exit 0 (globs expanded). */
  artifacts?: string[];
  /** After a success of a task with sources: their fingerprint as the attempt left them. */
  sources?: string;
}

/**
 * Runs attempt `s.attempts` of task `i` (counted, and holding its slot): its
 * log and output files, its request with the templates rendered from what
 * its needs reported, its executor (one that throws is a `spawn` failure);
 * then, after a success, the fingerprint of its sources, taken while it still
 * holds its slot (none when the run stops it first: it runs again next time).
 * `s.abort` and `s.kill` are how the run stops it meanwhile.
 */
export async function launchAttempt(c: LaunchContext, i: number, given: TaskSpec, s: TaskState, timeLeft: number | undefined): Promise<AttemptEnd> {
  const task = placedTask(given, (ref, env) => c.values.valueOf(ref, env));
  const abort = s.abort = new AbortController();
  const kill = s.kill = new AbortController();
  const name = fileName(c, i, task);
  s.logFile = join(c.options.runDir, `${name}.log`);
  const listener = c.options.onOutput;
  // Under its id as events show it (masked).
  const shownId = c.options.masker.mask(task.id);
  // A retry is told why the attempt before it failed (a rejection or a budget stop ends the task: never retried).
  const last = s.errors[s.errors.length - 1];
  const previousError = last && last.attempt === s.attempts - 1 ? { message: c.options.masker.mask(last.message), kind: last.kind } : undefined;
  let result: AttemptResult;
  try {
    result = await c.options.executorFor(task).run(attemptRequest(task, {
      runId: c.options.runId,
      attempt: s.attempts,
      previousError,
      logFile: s.logFile,
      outputFile: join(c.outputDir, `${name}.${s.attempts}.env`),
      summaryFile: join(c.outputDir, `${name}.${s.attempts}.md`),
      valueOf: (ref, env) => c.values.valueOf(ref, env),
      emptyReadNote: (ref) => c.values.emptyReadNote(ref),
      gracePeriod: c.gracePeriod,
      timeLeft,
      signal: abort.signal,
      killSignal: kill.signal,
      onOutput: listener && ((stream, line) => listener(shownId, line, stream)),
    }));
  } catch (error) {
    result = { ok: false, kind: 'spawn', message: String(error), exitCode: null, signal: null, durationMs: 0, outputs: {}, tail: [] };
  }
  keepSummary(c, name, s, result.summary);
  const { outcome, artifacts } = checkAttempt(task, result);
  if (result.ok && !outcome.ok) await noteFailure(c, s, outcome);
  if (!outcome.ok || !task.sources.length) return { result: outcome, artifacts };
  return { result: outcome, artifacts, sources: await fingerprintSources(task.sources, task.cwd, () => abort.signal.aborted || kill.signal.aborted) };
}

/**
 * An attempt that exited 0 and failed the check of its artifacts or outputs
 * says why in its log and its tail, as one that exited otherwise does; its
 * log gets the attempt's header first when it still lacks it (the attempt
 * wrote nothing, and no note has brought it).
 */
async function noteFailure(c: LaunchContext, s: TaskState, outcome: AttemptResult): Promise<void> {
  const failed = c.options.masker.mask(`attempt ${s.attempts} failed: ${outcome.message}`);
  const header = outcome.unwrittenHeader !== undefined ? `${c.options.masker.mask(outcome.unwrittenHeader)}\n` : '';
  outcome.tail = [...outcome.tail, failed].slice(-TAIL_LINES);
  try {
    againInMadeDirectory(s.logFile!, makeStateDirectory, () => appendFileSync(s.logFile!, `${header}--- ${failed}\n`));
  } catch {
    // A log that cannot be written (a full disk) does not change how the attempt ended: its tail and the result still say why.
  }
}

/**
 * A task that succeeds without running (reused by a resume, up to date,
 * memoized) shows the summary of the success it stands for, as Turborepo
 * replays a cached task's logs: in its state and in its file in this run's
 * directory.
 */
export function replaySummary(c: LaunchContext, i: number, task: TaskSpec, s: TaskState, summary: string | undefined): void {
  if (summary === undefined) return;
  s.summary = summary;
  keepSummary(c, fileName(c, i, task), s, summary);
}

/** What a task's files in the run's directory are named after (its id as events show it, masked). */
function fileName(c: LaunchContext, i: number, task: TaskSpec): string {
  return taskFileName(task.id, i, (text) => c.options.masker.mask(text));
}

/** The summary of a task's latest attempt, in a file beside its log (where the console points); an earlier attempt's goes. */
function keepSummary(c: LaunchContext, name: string, s: TaskState, summary: string | undefined): void {
  const path = join(c.options.runDir, `${name}.summary.md`);
  try {
    if (summary !== undefined) {
      // Into the run's directory made again where a task deleted it, as the logs are.
      againInMadeDirectory(path, makeStateDirectory, () => writeFileSync(path, summary));
      s.summaryFile = path;
    } else if (s.summaryFile !== undefined) {
      rmSync(path, { force: true });
      s.summaryFile = undefined;
    }
  } catch {
    // The run's directory is not writable: the summary is still in the result, the events and the history.
    s.summaryFile = undefined;
  }
}
