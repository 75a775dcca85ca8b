import type { TaskResult, TaskStatus } from './result.js';

/** `expanded`: a matrix from outputs whose expansions run; it ends when they have. */
export type State = 'pending' | 'queued' | 'running' | 'backoff' | 'expanded' | TaskStatus;

/** What the engine knows of one task during a run. */
export interface TaskState {
  state: State;
  attempts: number;
  readyAt: number;
  queueWaitMs: number;
  firstStart?: number;
  end?: number;
  runMs: number;
  exitCode: number | null;
  cost: number;
  reserved: number;
  outputs: Record<string, string>;
  /** The artifacts its successful attempt left (globs expanded). */
  artifacts?: string[];
  /** The fingerprint of its sources once it succeeded (or was up to date). */
  sources?: string;
  errors: TaskResult['errors'];
  reason?: string;
  tail?: string[];
  /** The task's log file, once an attempt started. */
  logFile?: string;
  /** Failed, or skipped/cancelled because something upstream failed. */
  failureTainted: boolean;
  abort?: AbortController;
  kill?: AbortController;
  timer?: NodeJS.Timeout;
  /** A matrix expanded at run time: the indices of its expansions. */
  expansions?: number[];
}
