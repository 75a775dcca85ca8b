import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EXIT, exitForSignal, ioErrorFrom, UsageError } from '../../errors.js';
import { budgetWarning, cpuDefaultWarning, deadlineWarning, notableCpuDefaultWait, plannedExpansions, planWorkflow, RUNNING_SOURCES } from '../../plan/plan.js';
import { useColor } from '../../report/colors.js';
import { runDirectory } from '../../run/run-dir.js';
import { selectTasks } from '../../run/select-tasks.js';
import { fixedSpawners, startRun } from '../../run/start-run.js';
import { memoOutputs, type TaskSelection } from '../../store/queries.js';
import { resumeCommand } from '../resume-command.js';
import { checkResultPath, writeResultFile } from '../result-file.js';
import { checkEventsPath } from '../events-file.js';
import { RunRecorder } from '../../store/recorder.js';
import { watchStoreFile, type StoreFileFate } from '../../store/store-file-watch.js';
import { ApprovalDesk } from '../approval-desk.js';
import { takeExclusive } from '../exclusive-run.js';
import type { RunResult } from '../../run/result.js';
import { JsonlSink } from '../../telemetry/jsonl-sink.js';
import { workflowMasker } from '../../telemetry/mask.js';
import { misspelledSecrets } from '../../telemetry/misspelled-secrets.js';
import { loadValidWorkflow } from '../load-valid.js';
import { selectedExpansions, selectedIds, selectedPart } from '../task-selection.js';
import type { PlannedWall } from '../../report/run-summary.js';
import { resultJson } from '../../report/result-json.js';
import { writeErr, writeOut } from '../output.js';
import { byId, idsOf, memoizedFromHistory, upToDateFromHistory, workflowHistory } from '../history-store.js';
import { makeStateDirectory } from '../../workflow/project-root.js';
import { parseInputArguments } from '../../workflow/inputs.js';
import type { Database } from '../../store/open-store.js';
import type { Workflow } from '../../workflow/model.js';
import type { UpToDate } from '../../run/up-to-date.js';
import { keptParses } from '../kept-parses.js';
import { inCi, runConsole } from '../run-console.js';
import { listenForSignals } from '../run-signals.js';

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
  /** The most the run may spend, over policy.costBudget. */
  budget?: number;
  /** A git ref: only the tasks a change since it touches. */
  since?: string;
  /** Also write the result object to this file when the run ends. */
  result?: string;
  /** Approve every task that waits for approval. */
  yes?: boolean;
}

/** The words that chose the run's tasks, as given, and its per-run policy flags. */
function selectionOf(options: RunCommandOptions): TaskSelection {
  return {
    tasks: options.tasks?.length ? options.tasks : undefined, only: options.only, since: options.since, config: options.config,
    failFast: options.failFast || undefined, keepGoing: options.keepGoing || undefined, timeout: options.timeout, budget: options.budget,
  };
}

/** The run's policy flags over the workflow's policy: --fail-fast, --keep-going, --timeout, --budget. */
function withRunFlags(workflow: Workflow, options: RunCommandOptions): Workflow {
  const cancellation = options.failFast ? 'cascading' : options.keepGoing ? 'isolated' : workflow.policy.cancellation;
  workflow.policy = { ...workflow.policy, cancellation, timeout: options.timeout ?? workflow.policy.timeout, costBudget: options.budget ?? workflow.policy.costBudget };
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

/**
 * What the warning says when the run's history or its directory was deleted
 * while it went on (a task's `git clean -fdx`): what was written back and what
 * is lost. Nothing when neither was.
 */
function deletedDuringRun(store: StoreFileFate, storePath: string, runDirWrittenBack: boolean, runDir: string): string | undefined {
  const back: string[] = [];
  if (store.fate === 'restored') back.push(`the history, whole and with this run, to ${storePath}`);
  if (store.fate === 'merged') back.push(`the history, whole and with this run, into the new one another run made at ${storePath} meanwhile`);
  // What is there since is no history to write into: this one goes beside it, not over it.
  if (store.fate === 'replaced') back.push(`the history, whole and with this run, to ${store.aside}, beside what is at ${storePath} now, which is no history this orchestrate can add to (read it with --state ${store.aside})`);
  if (runDirWrittenBack) back.push(`the events and the logs of the tasks running then to ${runDir}`);
  if (!back.length) return undefined;
  const what = store.fate === 'kept' ? 'the run\'s directory was' : runDirWrittenBack ? 'the run history and the run\'s directory were' : 'the run history was';
  const lost = runDirWrittenBack ? '; lost: the logs of tasks that had ended, and any of earlier runs there' : '';
  return `${what} deleted while the run went on (by a task?); written back: ${back.join(', and ')}${lost}`;
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
    const { estimates, failed, retryTimes, costs, upToDate, stale, memoized, expansions } = await workflowHistory(workflow, options.state, false, options.force ? undefined : { reused: resume?.reused });
    const plan = planWorkflow(selectedPart(workflow, only), { concurrency: options.concurrency, history: estimates, fromFailures: failed, retryTimes, costs, reused: plannedReuse(workflow, resume), upToDate: idsOf(workflow, upToDate), stale: byId(workflow, stale), memoized: idsOf(workflow, memoized), expansions: selectedExpansions(workflow, only, expansions) });
    if (resume) {
      plan.resumedFrom = resume.from;
      const counts: Record<string, number> = {};
      const planned = new Set(plan.tasks.map((t) => t.id));
      for (const id of resume.reusedExpansions.keys()) {
        const task = id.slice(0, id.indexOf('['));
        // A task the plan counts as its expansions shows their reuse among its tasks.
        if (planned.has(task)) counts[task] = (counts[task] ?? 0) + 1;
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
  const storeFile = watchStoreFile(db);
  let storeFate: StoreFileFate = { fate: 'kept' };
  // The run's, made here for the exclusive group and the history too (it grows with what tasks ask to mask).
  const masker = workflowMasker(workflow);
  for (const message of misspelledSecrets(workflow, { ...workflow.dotenv, ...process.env })) await writeErr(`orchestrate: warning: ${message}\n`);
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
  const rendererName = options.renderer ?? 'default';
  const quietConsole = options.json || options.events === '-';
  const shown = await runConsole({
    renderer: rendererName,
    logs: options.logs,
    quiet: quietConsole,
    yes: options.yes ?? false,
    concurrency: options.concurrency ?? workflow.policy.maxConcurrency,
    heartbeat: workflow.telemetry.heartbeat,
    // Asked only once the run goes (a timer's tick), when the handle is there.
    waits: () => handle.engine.waits,
    runDir: runDirectory(workflow.dir, runId),
  });
  const { lanes } = shown;
  const runDir = runDirectory(workflow.dir, runId);
  try {
    makeStateDirectory(runDir);
  } catch (error) {
    release();
    throw ioErrorFrom(runDir, error, 'create');
  }
  // Kept before the first task starts: a first task that deletes .orchestrate (a clean) finds nothing of this run
  // still to be written there, so its rm does not race that write. A text that holds a secret's value is not kept.
  parseCache?.keep(masker.values);
  const eventsPath = options.events ?? join(runDir, 'events.jsonl');
  let sink: JsonlSink;
  try {
    sink = new JsonlSink(eventsPath, { writeBack: options.events === undefined });
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
    // The config file from the workflow's directory: `status` says the command that resumes the run from wherever it is
    // asked, also once the project has moved (the history then points its runs to the workflow where it is).
    selection: { ...selectionOf(options), config: options.config === undefined ? undefined : relative(workflow.dir, resolve(options.config)) },
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
    retryTimes: history.retryTimes,
    costs: history.costs,
    listeners: [(event) => recorder.onEvent(event), (event) => sink.write(event), ...shown.listeners],
    onOutput: shown.onOutput,
    interrupt: interrupt.signal,
  });
  // What the ready tasks wait for, kept for `status` in another terminal: written when it changed, at most four times a second.
  const waitsTimer = setInterval(() => recorder.recordWaits(handle.engine.waits.all()), 250).unref();
  // The planned wall time is only for the summary: worked out once the first tasks are on their way.
  const planned = new Promise<PlannedWall>((resolve) => {
    setImmediate(() => {
      const plan = planWorkflow(selectedPart(workflow, only), { concurrency: options.concurrency, history: history.estimates, fromFailures: history.failed, retryTimes: history.retryTimes, costs: history.costs, reused: plannedReuse(workflow, resume), upToDate: idsOf(workflow, upToDate), memoized: idsOf(workflow, memoized), expansions: selectedExpansions(workflow, only, history.expansions) });
      const warn = (text: string) => {
        const line = `orchestrate: warning: ${masker.mask(text)}\n`;
        if (lanes) lanes.announce(line);
        else process.stderr.write(line);
      };
      // Said now, not only when the run skips tasks for the budget or the deadline stops it: costs are written,
      // and a deadline is checked against estimates written or measured (not the default's guesses).
      if (!plan.budget.fits) warn(budgetWarning(plan.estimate.cost, plan.budget.limit!));
      if (plan.deadline.late.length && !plan.tasks.some((t) => t.estimateSource === 'default')) warn(deadlineWarning(plan.deadline.limit!, plan.estimate.wall, plan.deadline.late));
      // Every task that runs has the default estimate (none written, no history yet): the planned time is a placeholder.
      const estimated = plan.tasks.filter((t) => RUNNING_SOURCES.has(t.estimateSource));
      const groups = workflow.tasks.filter((t) => t.dynamicMatrix).map((t) => t.id);
      resolve({ wall: plan.estimate.wall, guessed: estimated.length > 0 && estimated.every((t) => t.estimateSource === 'default'), expansions: plannedExpansions(plan, groups) });
    });
  });
  // The summary's code loads while the tasks run.
  const summaryModule = import('../../report/run-summary.js');
  const signals = listenForSignals(handle, interrupt, { say: !quietConsole && rendererName !== 'silent', lanes, earlier: context.earlierSignal?.() });
  // Heard until the record and the summary are written: a Ctrl-C then is not lost, nor does it cut them short.
  try {
    lanes?.start();
    let result;
    let started = false;
    let retentionFailure: string | undefined;
    try {
      result = await handle.result;
      started = true;
    } finally {
      clearInterval(waitsTimer);
      signals.ended();
      desk.close();
      await lanes?.stop();
      await sink.close();
      recorder.flush();
      // The config file's retention, once this run is recorded: the workflow's runs past its limits are forgotten.
      if (workflow.retention && started && !recorder.failure) {
        try {
          const { applyRetention } = await import('../forget-runs.js');
          applyRetention(db, workflow, runId);
        } catch (error) {
          retentionFailure = (error as Error).message;
        }
      }
      try {
        release();
        storeFate = storeFile.restore(runId);
      } catch (error) {
        recorder.failure ??= (error as Error).message;
      }
      // Closed whatever came before: a history that could not be written back is said, not left open.
      try {
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
    if (retentionFailure) await writeErr(`orchestrate: warning: older runs could not be forgotten as the config file's retention says (${retentionFailure}); orchestrate prune forgets them\n`);
    const deleted = deletedDuringRun(storeFate, db.name, sink.wroteBack, runDir);
    if (deleted) await writeErr(`orchestrate: warning: ${deleted}\n`);
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
      // None for a workflow read from standard input, which is piped again to resume.
      const resume = recorder.failure || file === '-' ? undefined : resumeCommand(file, selectionOf(options), options.state, result.runId);
      // Agent tasks held to this machine's CPU count, the default limit, which nobody chose.
      const agentWait = workflow.policy.cpuDefault && options.concurrency === undefined ? handle.engine.agentSlotWait() : 0;
      const cpuDefault = notableCpuDefaultWait(agentWait, result.metrics.wallTime) ? cpuDefaultWarning(agentWait, handle.engine.concurrency, true) : undefined;
      const summary = formatRunSummary(result, await planned, { color: useColor(process.stdout), resumedFrom, resume, cpuDefault });
      if (rendererName === 'silent' && result.status === 'succeeded') await writeOut(`${result.merged.summary}\n`);
      else await writeOut(summary);
    } else {
      await writeErr(`${result.merged.summary}\n`);
    }
    await reportToGithub(result, quietConsole);
    // A signal that came as the last tasks ended still means stop: `orchestrate run && deploy` stops, and so does a watch.
    if (signals.signalled() || result.status === 'cancelled') return exitForSignal(signals.signalled());
    return result.status === 'succeeded' ? EXIT.ok : EXIT.failed;
  } finally {
    signals.stop();
  }
}

/**
 * What a plan of a resume counts as reused: its tasks, and the expansions of a matrix from
 * outputs that runs again, which a plan may count one by one (from history).
 */
function plannedReuse(workflow: Workflow, resume: { reused: ReadonlyMap<number, unknown>; reusedExpansions: ReadonlyMap<string, unknown> } | undefined): Set<string> | undefined {
  return resume && new Set([...idsOf(workflow, resume.reused)!, ...resume.reusedExpansions.keys()]);
}
