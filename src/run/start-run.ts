import { UsageError } from '../errors.js';
import type { EventListener } from '../telemetry/events.js';
import { workflowMasker, type SecretMasker } from '../telemetry/mask.js';
import type { Workflow } from '../workflow/model.js';
import type { Executor } from './attempt.js';
import { RunEngine } from './engine.js';
import type { Approver } from './approval.js';
import type { EngineOptions, OutputListener } from './engine-options.js';
import { InProcessExecutor, type AgentFactory } from './in-process-executor.js';
import type { RunResult } from './result.js';
import { newRunId, runDirectory } from './run-dir.js';
import { expansionSelection, selectTasks } from './select-tasks.js';
import { ShellExecutor } from './shell-executor.js';
import { SpawnerClient } from './spawner/spawner-client.js';
import type { UpToDate } from './up-to-date.js';

export interface StartRunOptions {
  /** Overrides policy.maxConcurrency. */
  concurrency?: number;
  /** Run only these task ids and what they need (none: nothing runs). */
  only?: string[];
  runId?: string;
  /** Where logs go; default `.orchestrate/runs/<runId>` in the workflow's project. */
  runDir?: string;
  /** Receive every event (already masked). */
  listeners?: EventListener[];
  /** Abort to interrupt the run. */
  interrupt?: AbortSignal;
  /** Environment tasks inherit; default process.env. */
  env?: Record<string, string | undefined>;
  /** The run's masker, when the caller needs it before the run starts (workflowMasker of the workflow and `env`); made here otherwise. */
  masker?: SecretMasker;
  /** In-process agents by task id (library API). */
  agents?: ReadonlyMap<string, AgentFactory>;
  /** Tasks reused from an earlier run (resume): index -> outputs. */
  reused?: ReadonlyMap<number, Record<string, string>>;
  /** Expansions of a matrix from outputs reused from an earlier run when they join: id -> outputs. */
  reusedExpansions?: ReadonlyMap<string, Record<string, string>>;
  /** What the successes reused wrote to their summaries: id -> masked Markdown. */
  reusedSummaries?: ReadonlyMap<string, string>;
  /** Tasks whose sources did not change since they last succeeded (planUpToDate). */
  upToDate?: ReadonlyMap<number, UpToDate>;
  /** Finds a recorded success of a memoized task (see EngineOptions). */
  memo?: EngineOptions['memo'];
  /** Estimates from history (task id -> seconds), used to rank ready tasks as the plan does. */
  history?: ReadonlyMap<string, number>;
  /** What retries added to tasks per run in history (task id -> seconds), ranked by as the plan counts them. */
  retryTimes?: ReadonlyMap<string, number>;
  /** What a run of each task cost in history (task id -> cost), its expected cost as the plan counts it. */
  costs?: ReadonlyMap<string, number>;
  /** Gets every output line of every attempt, masked, as it comes. */
  onOutput?: OutputListener;
  /** Answers tasks with `approval` (without it they are rejected). */
  approve?: Approver;
}

export interface RunHandle {
  runId: string;
  runDir: string;
  engine: RunEngine;
  masker: SecretMasker;
  result: Promise<RunResult>;
  /** Tasks whose log file could not all be written (a full disk), and why. */
  unwrittenLogs: ReadonlyMap<string, string>;
  /** Stops the task processes and holds new starts (Ctrl-Z); resolves once the spawners have been told. */
  suspend(): Promise<void>;
  /** Lets the task processes go on, and starts those held. */
  resume(): void;
}

/** Task starts per second to expect: the concurrency over the typical task's estimate (from history when there is one). */
function expectedStartRate(workflow: Workflow, options: StartRunOptions): number {
  if (!workflow.tasks.length) return 0;
  const estimates = workflow.tasks.map((t) => options.history?.get(t.id) ?? t.estimate).sort((a, b) => a - b);
  const typical = estimates[estimates.length >> 1]!;
  const slots = Math.min(options.concurrency ?? workflow.policy.maxConcurrency, workflow.tasks.length);
  return slots / Math.max(typical, 0.001);
}

/** ORCHESTRATE_SPAWNERS: a fixed number of spawner processes, checked before anything starts. */
export function fixedSpawners(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count < 1 || count > 64) {
    throw new UsageError(`ORCHESTRATE_SPAWNERS must be a whole number from 1 to 64, got ${JSON.stringify(value)}`);
  }
  return count;
}

/**
 * The prompt and params variables the runner sets for some tasks only. A
 * runner started by a task has its own: tasks must not inherit them, as a
 * shell task would read another task's prompt, and an agent whose prompt or
 * params are too large for a variable would read the outer ones.
 */
const SOMETIMES_SET_VARIABLES = new Set(['ORCHESTRATE_PROMPT', 'ORCHESTRATE_PROMPT_FILE', 'ORCHESTRATE_PARAMS', 'ORCHESTRATE_PARAMS_FILE']);

/** Starts a run of a loaded workflow: the one engine behind the CLI and the library API. */
export function startRun(workflow: Workflow, options: StartRunOptions = {}): RunHandle {
  const runId = options.runId ?? newRunId();
  const runDir = options.runDir ?? runDirectory(workflow.dir, runId);
  // A dotenv file's variables sit under the environment's own (which wins, as in the dotenv libraries).
  const env = options.env ?? { ...workflow.dotenv, ...process.env };
  const masker = options.masker ?? workflowMasker(workflow, env);
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !SOMETIMES_SET_VARIABLES.has(k)) baseEnv[k] = v;
  const spawner = new SpawnerClient(masker.values, baseEnv, {
    fixed: fixedSpawners(process.env.ORCHESTRATE_SPAWNERS),
    startsPerSecond: expectedStartRate(workflow, options),
    // Events, the result and the history mask it from now on.
    onSecret: (value) => masker.add(value),
  });
  const shell = new ShellExecutor(masker, spawner);
  const inProcess = new Map<string, Executor>();
  for (const [id, factory] of options.agents ?? []) inProcess.set(id, new InProcessExecutor(factory, masker, baseEnv));
  // A run of in-process agents only needs no spawner process.
  if (workflow.tasks.some((t) => !inProcess.has(t.id) && !inProcess.has(t.baseId))) spawner.warmUp();
  const listeners = options.listeners ?? [];
  const engine = new RunEngine(workflow, {
    runId,
    runDir,
    concurrency: options.concurrency,
    only: options.only ? selectTasks(workflow, options.only) : undefined,
    expansionSelected: options.only ? expansionSelection(workflow, options.only) : undefined,
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
    masker,
    baseEnv: env,
    executorFor: (task) => inProcess.get(task.id) ?? inProcess.get(task.baseId) ?? shell,
    interrupt: options.interrupt,
    reused: options.reused,
    reusedExpansions: options.reusedExpansions,
    reusedSummaries: options.reusedSummaries,
    upToDate: options.upToDate,
    memo: options.memo,
    approve: options.approve,
    history: options.history,
    retryTimes: options.retryTimes,
    costs: options.costs,
    onOutput: options.onOutput,
  });
  const result = engine.run().finally(() => spawner.close());
  return { runId, runDir, engine, masker, result, unwrittenLogs: shell.unwrittenLogs, suspend: () => spawner.suspend(), resume: () => spawner.resume() };
}
