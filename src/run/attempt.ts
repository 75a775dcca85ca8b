/** Why an attempt did not succeed. */
export type FailureKind = 'exit-code' | 'timeout' | 'cancelled' | 'invalid' | 'spawn' | 'circuit-open' | 'budget' | 'workflow-timeout' | 'rejected';

/** Why an attempt failed, as a retry of it is told. */
export interface PreviousError {
  message: string;
  kind: FailureKind;
}

/** The outcome of one attempt; success and failure have the same shape. */
export interface AttemptResult {
  ok: boolean;
  kind?: FailureKind;
  message?: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  outputs: Record<string, string>;
  /** Cost the task reported (`cost=` output), if any. */
  cost?: number;
  /** What the attempt wrote to its summary ($ORCHESTRATE_SUMMARY; an in-process agent's `summary`): Markdown, masked, at most 1 MB. */
  summary?: string;
  /** Files an in-process agent says it produced; checked like declared artifacts. */
  artifacts?: string[];
  /** Last lines of its output, masked. */
  tail: string[];
  /**
   * Its log's first line (`--- attempt N of ID started ...`) while the log
   * lacks it: the file gets it with the attempt's first line, and one that
   * wrote none has none. A note the runner adds after the attempt writes it first.
   */
  unwrittenHeader?: string;
  /** A service that became ready: its process goes on until the run stops it (the attempt's `signal`); settles once it has ended, saying how. */
  service?: { exited: Promise<ServiceEnd> };
}

/**
 * How the process of a service that was up ended: `stopped` by the run (its
 * attempt's `signal`), `killed` at once (its `killSignal`), or `exited` on
 * its own (with its exit code, null when a signal killed it).
 */
export interface ServiceEnd {
  how: 'stopped' | 'killed' | 'exited';
  exitCode: number | null;
}

/** What an executor needs to run one attempt. */
export interface AttemptRequest {
  runId: string;
  taskId: string;
  attempt: number;
  /** Why the attempt before this one failed (masked), when this is a retry: an agent may repair its answer. */
  previousError?: PreviousError;
  /** Rendered shell command (shell and agent tasks). */
  command: string;
  /** The program and options the command is given to (`['sh', '-c']` by default). */
  shell?: string[];
  prompt?: string;
  params: Record<string, unknown>;
  /** Its agent, for an agent task. */
  agent?: string;
  /** The task's variables, set over the runner's base environment. */
  env: Record<string, string>;
  cwd: string;
  /** Per-attempt timeout, seconds. */
  timeout?: number;
  /** SIGTERM -> SIGKILL delay, seconds. */
  gracePeriod: number;
  logFile: string;
  outputFile: string;
  /** Where a command may write its summary (ORCHESTRATE_SUMMARY). */
  summaryFile: string;
  signal: AbortSignal;
  /** Aborted to kill at once, without the grace period (a second Ctrl-C). */
  killSignal?: AbortSignal;
  /** Its stdout becomes this output (without the final newline), unless the outputs file sets it. */
  captureStdout?: string;
  /** The output and JSON path holding the attempt's cost, when it writes no `cost=` (`answer.total_cost_usd`). */
  costOutput?: string;
  /** Gets the attempt's output lines, masked, as they come (for the console). */
  onOutput?: (stream: 'out' | 'err', line: string) => void;
  /** Notes for the attempt's log, under its header (a template that read an output its task never set, or a member its JSON lacks). */
  notes?: string[];
  /** A service: the attempt succeeds once it is ready (`ready`, rendered, exits 0; tried every `interval` seconds, each try for at most `timeout`), its process going on. */
  service?: { ready?: string; interval: number; timeout: number };
}

export interface Executor {
  run(request: AttemptRequest): Promise<AttemptResult>;
}
