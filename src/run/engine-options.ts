import type { RunEvent } from '../telemetry/events.js';
import type { SecretMasker } from '../telemetry/mask.js';
import type { TaskSpec } from '../workflow/model.js';
import type { Approver } from './approval.js';
import type { Executor } from './attempt.js';
import type { UpToDate } from './up-to-date.js';

/** What a run engine is given: the run's identity and files, its limits and selection, what it may reuse, and where events go. */
export interface EngineOptions {
  runId: string;
  /** Directory for logs and output files of this run. */
  runDir: string;
  /** Overrides policy.maxConcurrency. */
  concurrency?: number;
  /** Run only these tasks (indices); the others are not part of the run. */
  only?: ReadonlySet<number>;
  /** With `only`: whether an expansion of a matrix from outputs (task index, expansion id) joins the run. */
  expansionSelected?: (group: number, id: string) => boolean;
  emit: (event: RunEvent) => void;
  masker: SecretMasker;
  /** The environment tasks inherit (process.env by default). */
  baseEnv: Record<string, string | undefined>;
  executorFor: (task: TaskSpec) => Executor;
  /** Aborting it interrupts the run (Ctrl-C): nothing new starts, running tasks are terminated. */
  interrupt?: AbortSignal;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Tasks reused from an earlier run (resume): index -> outputs. They succeed without running. */
  reused?: ReadonlyMap<number, Record<string, string>>;
  /** Expansions of a matrix from outputs reused from an earlier run when they join: id -> outputs. */
  reusedExpansions?: ReadonlyMap<string, Record<string, string>>;
  /** What the successes reused (tasks and expansions) wrote to their summaries: id -> masked Markdown. */
  reusedSummaries?: ReadonlyMap<string, string>;
  /** Tasks whose sources did not change since they last succeeded: they succeed without running. */
  upToDate?: ReadonlyMap<number, UpToDate>;
  /**
   * For tasks with `memoize`: the outputs (and summary) of a recorded success
   * with this memo key, at most `maxAge` seconds old (any age without one), if
   * there is one. Without it, memoized tasks run (and no key is computed).
   */
  memo?: (key: string, maxAge: number | undefined) => MemoHit | undefined;
  /** Estimates from history (task id -> seconds): the ranking then matches the plan's. */
  history?: ReadonlyMap<string, number>;
  /** What retries added to tasks per run in history (task id -> seconds), counted in the ranking as the plan counts them. */
  retryTimes?: ReadonlyMap<string, number>;
  /** What a run of each task cost in history (task id -> cost): the run's estimated cost counts it as the plan does. */
  costs?: ReadonlyMap<string, number>;
  /** Answers tasks with `approval` (without it they are rejected). */
  approve?: Approver;
  /** Gets every output line of every attempt, masked, as it comes (`run --logs all`). */
  onOutput?: OutputListener;
}

/** A recorded success a memoized task stands for: its outputs, and its summary if it wrote one. */
export interface MemoHit {
  outputs: Record<string, string>;
  summary?: string;
}

/** A task's output line, masked. */
export type OutputListener = (taskId: string, line: string, stream: 'out' | 'err') => void;
