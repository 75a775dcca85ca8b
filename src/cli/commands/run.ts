import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, exitForSignal, ioErrorFrom, UsageError } from '../../errors.js';
import { planWorkflow } from '../../plan/plan.js';
import { useColor } from '../../report/colors.js';
import { formatEventLine } from '../../report/simple-renderer.js';
import { QUIET_HEARTBEATS, StillRunning } from '../../report/still-running.js';
import { runDirectory } from '../../run/run-dir.js';
import { selectTasks } from '../../run/select-tasks.js';
import { fixedSpawners, startRun } from '../../run/start-run.js';
import { memoOutputs } from '../../store/queries.js';
import { checkResultPath, writeResultFile } from '../result-file.js';
import { checkEventsPath } from '../events-file.js';
import { RunRecorder } from '../../store/recorder.js';
import { ApprovalDesk } from '../approval-desk.js';
import { takeExclusive } from '../exclusive-run.js';
import type { RunEvent } from '../../telemetry/events.js';
import type { RunResult } from '../../run/result.js';
import { JsonlSink } from '../../telemetry/jsonl-sink.js';
import { workflowMasker } from '../../telemetry/mask.js';
import type { LanesRenderer } from '../lanes-renderer.js';
import { loadValidWorkflow } from '../load-valid.js';
import { selectedIds, selectedPart } from '../task-selection.js';
import type { PlannedWall } from '../../report/run-summary.js';
import { resultJson } from '../../report/result-json.js';
import { GroupedOutput } from '../grouped-output.js';
import { lineWriter } from '../line-writer.js';
import { writeErr, writeOut } from '../output.js';
import { byId, idsOf, memoizedFromHistory, upToDateFromHistory, workflowHistory } from '../history-store.js';
import { ignoreInGit } from '../../workflow/project-root.js';
import { makeDirectory } from '../../util/make-directory.js';
import { parseInputArguments } from '../../workflow/inputs.js';
import { shellWord } from '../../util/shell-word.js';
import type { Database } from '../../store/open-store.js';
import type { Workflow } from '../../workflow/model.js';
import type { UpToDate } from '../../run/up-to-date.js';
import { keptParses } from '../kept-parses.js';

export interface RunCommandOptions {
  concurrency?: number;
  json?: boolean;
  dryRun?: boolean;
  only?: string;
  events?: string;
  renderer?: 'default' | 'simple' | 'silent';
  config?: string;
  state?: string;
  resume?: string | boolean;
  logs?: 'failed' | 'all' | 'grouped';
  /** With dryRun: show what each task runs. */
  commands?: boolean;
  input?: string[];
  force?: boolean;
  /** Task words after the file (`orchestrate run ci.yaml test`): as --only. */
  tasks?: string[];
  failFast?: boolean;
  keepGoing?: boolean;
  /** Seconds. */
  timeout?: number;
  /** A git ref: only the tasks a change since it touches. */
  since?: string;
  /** Also write the result object to this file when the run ends. */
  result?: string;
  /** Approve every task that waits for approval. */
  yes?: boolean;
}

/**
 * The command that resumes a run: the same file and selection of tasks,
 * `--resume` and the run's id by its random part. Its inputs need not be
 * given again (a resume keeps them). None for a workflow read from stdin.
 */
function resumeCommand(file: string, options: RunCommandOptions, runId: string): string | undefined {
  if (file === '-') return undefined;
  const words = ['orchestrate', 'run', file, ...(options.tasks ?? [])];
  if (options.only !== undefined) words.push('--only', options.only);
  if (options.since !== undefined) words.push('--since', options.since);
  if (options.config !== undefined) words.push('-c', options.config);
  if (options.state !== undefined) words.push('--state', options.state);
  words.push('--resume', runId.slice(runId.indexOf('-') + 1));
  return words.map(shellWord).join(' ');
}

/** The run's policy flags over the workflow's policy: --fail-fast, --keep-going, --timeout. */
function withRunFlags(workflow: Workflow, options: RunCommandOptions): Workflow {
  const cancellation = options.failFast ? 'cascading' : options.keepGoing ? 'isolated' : workflow.policy.cancellation;
  workflow.policy = { ...workflow.policy, cancellation, timeout: options.timeout ?? workflow.policy.timeout };
  return workflow;
}

/** A run that could not start (its private directory could not be made) leaves no directory behind: one with nothing but an empty events file. */
function removeUnstartedRunDir(runDir: string): void {
  try {
    const entries = readdirSync(runDir);
    if (entries.length === 1 && entries[0] === 'events.jsonl' && statSync(join(runDir, 'events.jsonl')).size === 0) rmSync(runDir, { recursive: true });
  } catch {
    // Not there, or not ours to judge: left as it is.
  }
}

/** What the warning says of tasks whose log file could not all be written (a full disk): their ids, and why. */
function unwrittenLogsText(logs: ReadonlyMap<string, string>, runDir: string): string {
  const ids = [...logs.keys()];
  const named = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
  const one = ids.length === 1;
  return `the log${one ? '' : 's'} of ${named} could not all be written (${[...new Set(logs.values())].join('; ')}): ${one ? 'its' : 'their'} output is not all in ${runDir}; the task${one ? '' : 's'} went on`;
}

/** Whether a CI system runs this (`CI` set, and not to false). */
function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function isInteractive(): boolean {
  // A terminal that reports no width (some container and CI pseudo-terminals) would get one
  // character per line from Listr2: it gets plain lines. So does one that cannot move the cursor
  // (TERM=dumb: Emacs' shell buffers), which would show every redraw.
  return Boolean(process.stdout.isTTY) && !inCi() && (process.stdout.columns ?? 0) > 0 && process.env.TERM !== 'dumb';
}

/**
 * In GitHub Actions: the run's summary appended to the job summary
 * ($GITHUB_STEP_SUMMARY), and an annotation per failed task on stdout (when
 * stdout does not carry JSON). A summary that cannot be written is a warning.
 */
async function reportToGithub(result: RunResult, stdoutTaken: boolean): Promise<void> {
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (!summaryFile && process.env.GITHUB_ACTIONS !== 'true') return;
  const { formatGithubSummary, githubAnnotations } = await import('../../report/github-summary.js');
  if (process.env.GITHUB_ACTIONS === 'true' && !stdoutTaken) await writeOut(githubAnnotations(result));
  if (!summaryFile) return;
  try {
    appendFileSync(summaryFile, formatGithubSummary(result));
  } catch (error) {
    await writeErr(`orchestrate: warning: the job summary could not be written to ${summaryFile}: ${(error as Error).message}\n`);
  }
}

/**
 * `orchestrate run`: executes the workflow; exit 0 succeeded, 1 failed, 129/130/143 interrupted.
 * @param context.earlierSignal a signal its caller heard before this run could (a watch's Ctrl-C)
 */
export async function runCommand(file: string, options: RunCommandOptions, context: { earlierSignal?: () => NodeJS.Signals | undefined } = {}): Promise<number> {
  if (options.commands && !options.dryRun) throw new UsageError('--commands shows what a dry run would run: add --dry-run (or use orchestrate plan --commands)');
  if (options.result !== undefined && options.dryRun) throw new UsageError('--result writes what a run did, and a dry run runs nothing: --dry-run --json prints its plan');
  const given = parseInputArguments(options.input);
  const wantsResume = options.resume !== undefined && options.resume !== false;
  // A resume takes the inputs not given again from the run it resumes, so they are required once that is known.
  // A real run keeps the parsed text beside its runs: the next run (or plan) of the unchanged file does not parse it again.
  // A dry run reads what is kept, and keeps nothing (only a run that starts calls keep).
  const parseCache = keptParses(file);
  let workflow = withRunFlags(await loadValidWorkflow(file, options.config, { inputs: given, requireInputs: !wantsResume && !options.dryRun, parseCache }), options);
  const only = await selectedIds(workflow, options.only, options.tasks, options.since);
  // Loaded only when needed: every module costs start-up time before the first task.
  const resuming = wantsResume ? await import('../resume-run.js') : undefined;
  const resumeFrom = async (db: Database) => {
    const previous = resuming!.runToResume(db, workflow, options.resume as string | true);
    // Loaded again with the inputs recorded there for those not given now (and required now).
    const recorded = resuming!.reusableInputs(previous);
    workflow = withRunFlags(await loadValidWorkflow(file, options.config, { inputs: given, previousInputs: recorded, requireInputs: !options.dryRun, parseCache }), options);
    if (only) selectTasks(workflow, only);
    return resuming!.reuseFrom(db, workflow, previous);
  };
  if (options.dryRun) {
    // A dry run of a resume shows what would run again; like plan, it creates no history.
    let resume: Awaited<ReturnType<typeof resumeFrom>> | undefined;
    if (resuming) {
      const db = resuming.existingHistory(workflow, options.state);
      try {
        resume = await resumeFrom(db);
      } finally {
        db.close();
      }
    }
    const { estimates, upToDate, stale, memoized } = await workflowHistory(workflow, options.state, false, options.force ? undefined : { reused: resume?.reused });
    const plan = planWorkflow(selectedPart(workflow, only), { concurrency: options.concurrency, history: estimates, reused: idsOf(workflow, resume?.reused), upToDate: idsOf(workflow, upToDate), stale: byId(workflow, stale), memoized: idsOf(workflow, memoized) });
    if (resume) {
      plan.resumedFrom = resume.from;
      const counts: Record<string, number> = {};
      for (const id of resume.reusedExpansions.keys()) {
        const task = id.slice(0, id.indexOf('['));
        counts[task] = (counts[task] ?? 0) + 1;
      }
      if (Object.keys(counts).length) plan.reusedExpansions = counts;
    }
    const { printPlan } = await import('./plan.js');
    const { withCommands } = await import('../../report/plan-commands.js');
    await printPlan(workflow, options.commands ? withCommands(plan, workflow) : plan, options.json);
    return EXIT.ok;
  }
  if (options.events === '-' && options.json) throw new UsageError('--events - and --json both write to stdout: send the events to a file');
  if (options.result !== undefined) checkResultPath(options.result);
  if (options.events !== undefined && options.events !== '-') checkEventsPath(options.events);
  fixedSpawners(process.env.ORCHESTRATE_SPAWNERS);
  const history = await workflowHistory(workflow, options.state, true);
  const db = history.db!;
  // The run's, made here for the exclusive group and the history too (it grows with what tasks ask to mask).
  const masker = workflowMasker(workflow);
  // Taken before the history is read: a run that waited for another of its group sees what that one did.
  let taken: Awaited<ReturnType<typeof takeExclusive>>;
  try {
    taken = await takeExclusive(db, workflow, masker, () => context.earlierSignal?.());
  } catch (error) {
    db.close();
    throw error;
  }
  if (typeof taken === 'string') {
    // A signal came while it waited for its group: it stops before it began.
    db.close();
    return exitForSignal(taken);
  }
  const { runId, release } = taken;
  let resume: Awaited<ReturnType<typeof resumeFrom>> | undefined;
  let upToDate: Map<number, UpToDate> | undefined;
  let memoized: Map<number, Record<string, string>> | undefined;
  try {
    resume = resuming && await resumeFrom(db);
    // Read before anything runs: a task is only up to date when none of its needs ran.
    upToDate = options.force ? undefined : await upToDateFromHistory(db, workflow, resume?.reused);
    // For the planned time only: the engine looks each memoized task up itself when it is ready.
    memoized = options.force ? undefined : memoizedFromHistory(db, workflow, resume?.reused, upToDate);
  } catch (error) {
    release();
    db.close();
    throw error;
  }
  const resumedFrom = resume?.from;

  const interrupt = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const listeners: Array<(event: RunEvent) => void> = [];
  const rendererName = options.renderer ?? 'default';
  const quietConsole = options.json || options.events === '-';
  const outputShown = options.logs === 'all' || options.logs === 'grouped';
  // Plain progress says what is running when it has been quiet a while; any line on stdout counts.
  const stillRunning = new StillRunning(QUIET_HEARTBEATS * workflow.telemetry.heartbeat * 1000);
  const writeStdout = lineWriter(process.stdout);
  const printLine = (line: string) => {
    stillRunning.printed(Date.now());
    writeStdout(line);
  };
  // Task output goes where the event lines go, or to stderr when stdout carries JSON.
  const printOutput = outputShown ? (quietConsole ? lineWriter(process.stderr) : printLine) : undefined;
  const grouped = options.logs === 'grouped' ? new GroupedOutput(printOutput!) : undefined;
  // Before the event lines: a task's output comes just before the line that says how it ended.
  if (grouped) listeners.push((event) => grouped.onEvent(event));
  let lanes: LanesRenderer | undefined;
  if (!quietConsole && rendererName !== 'silent') {
    // Task output between the lines of live progress would be overdrawn: --logs all and grouped get plain lines.
    if (rendererName === 'default' && isInteractive() && !outputShown) {
      // Listr2 is loaded only for a terminal.
      const { LanesRenderer: Lanes } = await import('../lanes-renderer.js');
      lanes = new Lanes(options.concurrency ?? workflow.policy.maxConcurrency, process.stdout.rows);
      listeners.push((event) => lanes!.onEvent(event));
    } else {
      listeners.push((event) => {
        const quiet = stillRunning.onEvent(event);
        const line = formatEventLine(event) ?? quiet;
        if (line) printLine(line);
      });
    }
  } else if (!options.yes) {
    // Without progress on the console a run that waits for approval would wait unseen: its question goes to stderr.
    const printWait = lineWriter(process.stderr);
    listeners.push((event) => {
      if (event.type === 'task.waiting') printWait(formatEventLine(event)!);
    });
  }
  const runDir = runDirectory(workflow.dir, runId);
  try {
    makeDirectory(runDir, ignoreInGit);
  } catch (error) {
    release();
    throw ioErrorFrom(runDir, error, 'create');
  }
  const eventsPath = options.events ?? join(runDir, 'events.jsonl');
  let sink: JsonlSink;
  try {
    sink = new JsonlSink(eventsPath);
  } catch (error) {
    release();
    throw ioErrorFrom(eventsPath, error, 'write');
  }
  const recorder = new RunRecorder(db, workflow, {
    runId,
    file: workflow.file,
    // The text that was loaded (a file may have changed since; standard input has no file).
    contentHash: createHash('sha256').update(workflow.source.text).digest('hex'),
    concurrency: options.concurrency ?? workflow.policy.maxConcurrency,
    resumedFrom,
  }, masker);
  const desk = new ApprovalDesk(db, runId, options.yes ?? false, inCi());
  const handle = startRun(workflow, {
    masker,
    runId,
    runDir,
    concurrency: options.concurrency,
    only,
    reused: resume?.reused,
    reusedExpansions: resume?.reusedExpansions,
    reusedSummaries: resume?.reusedSummaries,
    upToDate,
    // With --force every task runs, and what memoized ones do is still recorded for later runs.
    memo: (key, maxAge) => (options.force ? undefined : memoOutputs(db, key, maxAge, Date.now())),
    approve: desk.approve,
    history: history.estimates,
    listeners: [(event) => recorder.onEvent(event), (event) => sink.write(event), ...listeners],
    onOutput: grouped ? (taskId, line) => grouped.onOutput(taskId, line) : printOutput && ((taskId, line) => printOutput(`[${taskId}] ${line}`)),
    interrupt: interrupt.signal,
  });
  // The planned wall time is only for the summary: worked out once the first tasks are on their way.
  const planned = new Promise<PlannedWall>((resolve) => {
    setImmediate(() => {
      // Kept now too, off the way to the first tasks; a text that holds a secret's value is not.
      parseCache?.keep(handle.masker.values);
      const plan = planWorkflow(selectedPart(workflow, only), { concurrency: options.concurrency, history: history.estimates, reused: idsOf(workflow, resume?.reused), upToDate: idsOf(workflow, upToDate), memoized: idsOf(workflow, memoized) });
      // Every task that runs has the default estimate (none written, no history yet): the planned time is a placeholder.
      const estimated = plan.tasks.filter((t) => ['default', 'declared', 'agent', 'history'].includes(t.estimateSource));
      resolve({ wall: plan.estimate.wall, guessed: estimated.length > 0 && estimated.every((t) => t.estimateSource === 'default') });
    });
  });
  // The summary's code loads while the tasks run.
  const summaryModule = import('../../report/run-summary.js');
  // Every task has ended; what is left is writing the record and the summary.
  let ended = false;
  // While live progress draws, a line for the person at the terminal goes through it.
  const announce = (text: string) => (lanes ? lanes.announce(text) : process.stderr.write(text));
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C: kill every task at once.
      handle.engine.killNow();
      if (ended) {
        // Only the record is left to write, and it may be stuck (an --events pipe nobody reads; process.exit
        // would wait for that write): end as the signal itself ends a process.
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      return;
    }
    signalled = signal;
    interrupt.abort();
    if (signal === 'SIGQUIT') {
      // Ctrl-\ quits at once, as a second Ctrl-C does: no grace period, no cleanup tasks.
      handle.engine.killNow();
      if (!quietConsole && rendererName !== 'silent') announce('\norchestrate: SIGQUIT received, killing every task at once\n');
      return;
    }
    const still = handle.engine.runOnInterrupt();
    const named = still.length > 3 ? `${still.slice(0, 3).join(', ')} and ${still.length - 3} more` : still.join(', ');
    const cleanup = still.length ? `; ${named} ${still.length === 1 ? 'runs' : 'run'} on an interrupt` : '';
    if (!quietConsole && rendererName !== 'silent') announce(`\norchestrate: ${signal} received, stopping${cleanup} (again to kill at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal (ssh dropped) stops the run as SIGTERM does, instead of killing the runner mid-write.
  process.on('SIGHUP', onSignal);
  process.on('SIGQUIT', onSignal);
  // Ctrl-Z suspends the tasks with the runner (the terminal stops only the runner: tasks run in sessions of
  // their own), as it suspends make and its jobs; `fg` or `bg` lets them go on.
  const onSuspend = () => {
    void handle.suspend().then(() => {
      lanes?.suspended();
      process.kill(process.pid, 'SIGSTOP');
    });
  };
  const onContinue = () => {
    handle.resume();
    lanes?.continued();
  };
  process.on('SIGTSTP', onSuspend);
  process.on('SIGCONT', onContinue);
  // A signal the caller (a watch) heard while this run was being prepared stops it at once.
  const earlier = context.earlierSignal?.();
  if (earlier) onSignal(earlier);
  // Heard until the record and the summary are written: a Ctrl-C then is not lost, nor does it cut them short.
  try {
    lanes?.start();
    let result;
    let started = false;
    try {
      result = await handle.result;
      started = true;
    } finally {
      ended = true;
      desk.close();
      await lanes?.stop();
      await sink.close();
      recorder.flush();
      try {
        release();
        db.close();
      } catch (error) {
        recorder.failure ??= (error as Error).message;
      }
      if (!started && options.events === undefined) removeUnstartedRunDir(runDir);
    }
    // The run is done either way; what it could not record is said, not hidden.
    if (sink.failure) await writeErr(`orchestrate: warning: the events could not all be written to ${eventsPath}: ${sink.failure}\n`);
    if (handle.unwrittenLogs.size) await writeErr(`orchestrate: warning: ${handle.masker.mask(unwrittenLogsText(handle.unwrittenLogs, handle.runDir))}\n`);
    if (recorder.failure) await writeErr(`orchestrate: warning: the run history could not all be written (${recorder.failure}): history, stats and --resume may not know this run\n`);
    if (resumedFrom) {
      const count = result.tasks.filter((t) => t.reason === 'reused').length;
      result.merged.summary += `; resumed from ${resumedFrom}, ${count} task${count === 1 ? '' : 's'} reused`;
    }
    const fresh = result.tasks.filter((t) => t.reason === 'up-to-date').length;
    if (fresh) result.merged.summary += `; ${fresh} task${fresh === 1 ? '' : 's'} up to date`;
    const memoized = result.tasks.filter((t) => t.reason === 'memoized').length;
    if (memoized) result.merged.summary += `; ${memoized} task${memoized === 1 ? '' : 's'} memoized`;
    const unneeded = result.tasks.filter((t) => t.reason === 'not-needed').length;
    if (unneeded) result.merged.summary += `; ${unneeded} service${unneeded === 1 ? '' : 's'} not needed`;
    const resultFailure = options.result === undefined ? undefined : writeResultFile(options.result, result);
    if (resultFailure) await writeErr(`orchestrate: warning: the result could not be written to ${options.result}: ${resultFailure}\n`);
    if (options.json) for (const piece of resultJson(result)) await writeOut(piece);
    else if (options.events !== '-') {
      const { formatRunSummary } = await summaryModule;
      const resume = recorder.failure ? undefined : resumeCommand(file, options, result.runId);
      const summary = formatRunSummary(result, await planned, { color: useColor(process.stdout), resumedFrom, resume });
      if (rendererName === 'silent' && result.status === 'succeeded') await writeOut(`${result.merged.summary}\n`);
      else await writeOut(summary);
    } else {
      await writeErr(`${result.merged.summary}\n`);
    }
    await reportToGithub(result, quietConsole);
    // A signal that came as the last tasks ended still means stop: `orchestrate run && deploy` stops, and so does a watch.
    if (signalled || result.status === 'cancelled') return exitForSignal(signalled);
    return result.status === 'succeeded' ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGQUIT', onSignal);
    process.off('SIGTSTP', onSuspend);
    process.off('SIGCONT', onContinue);
  }
}
