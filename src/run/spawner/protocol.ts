/**
 * Messages between the runner and its spawner process (JSON over the IPC
 * channel). Each channel message is an array: what one side has to say in one
 * turn of its event loop travels together.
 */

export interface SpawnRequest {
  type: 'spawn';
  id: number;
  command: string;
  cwd: string;
  /** Variables set over the spawner's base environment. */
  env: Record<string, string>;
  prompt?: string;
  logFile: string;
  header: string;
  /** Notes for the log under its header, which they make at the start. */
  notes?: string[];
  outputFile: string;
  /** Where the task may write its summary (ORCHESTRATE_SUMMARY), read and deleted after. */
  summaryFile: string;
  /** Where the prompt is written for the task (ORCHESTRATE_PROMPT_FILE), deleted after. */
  promptFile?: string;
  /** The task's params as JSON, written to `paramsFile` (ORCHESTRATE_PARAMS_FILE), deleted after. */
  params?: string;
  paramsFile?: string;
  /** The program and options the command is given to; `sh -c` when absent. */
  shell?: string[];
  /** Also send the task's output lines (masked) to the runner, for the console. */
  stream?: boolean;
  /** Its stdout becomes this output (without the final newline), unless the outputs file sets it. */
  captureStdout?: string;
  /**
   * A service: say at once when it has started (its start may make it ready;
   * other starts are said with the next message), and begin its log then, not
   * with its first line, as notes about it may come while it runs.
   */
  service?: boolean;
}

/** Which pipe a line came from. */
export type OutputStream = 'out' | 'err';

export type ToSpawner =
  | { type: 'config'; secrets: string[]; baseEnv: Record<string, string> }
  | SpawnRequest
  | { type: 'kill'; id: number; signal: 'SIGTERM' | 'SIGKILL' }
  /** A secret a task registered (`::add-mask::`), to mask from now on. */
  | { type: 'secret'; value: string }
  /** Ctrl-Z: stop every task (SIGSTOP to its group) and start none until `resume` (SIGCONT to them). */
  | { type: 'suspend' }
  | { type: 'resume' };

/** How long a spawner may keep a start to itself, waiting for another message to send it with. */
export const LAZY_START_MS = 50;

export interface ExitReport {
  type: 'exit';
  id: number;
  code: number | null;
  signal: string | null;
  spawnError?: string;
  /** The task was lost while it ran (its spawner died), and killed. */
  lost?: string;
  /** The task's outputs were refused (too large). */
  outputError?: string;
  outputs: Record<string, string>;
  /** What the task wrote to its summary file (masked, at most the part kept). */
  summary?: string;
  tail: string[];
  /** Why the log file could not all be written (a full disk); the task went on. */
  logError?: string;
  durationMs: number;
}

/**
 * `ready` once configured: a spawner started mid-run gets work from then on.
 * `started` gives a task's process group, so that the runner can kill it if
 * the spawner itself dies, and `ago`, how many milliseconds before the
 * message was sent it started: it travels with the next message (for a
 * short task, its exit) or within LAZY_START_MS, unless the request asked
 * for it at once. `output` carries the masked lines of a task whose
 * request asked for them. `secret` is a value a task's stdout registered
 * (`::add-mask::`): the runner masks it too and tells the other spawners.
 */
export type FromSpawner =
  | ExitReport
  | { type: 'ready' }
  | { type: 'started'; id: number; pid: number; ago: number }
  | { type: 'output'; id: number; lines: Array<[OutputStream, string]> }
  | { type: 'secret'; value: string };
