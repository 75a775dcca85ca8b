import type { Condition } from './condition.js';
import type { Exclusive } from './exclusive.js';
import type { DocPath } from './diagnostics.js';
import type { SourceMap } from './source-map.js';
import type { Input, OutputSchema, Retry, Task as TaskFile } from './schema-types.js';

/** A kind of failure a retry policy may retry. */
export type RetryKind = NonNullable<Retry['onKinds']>[number];

export type TaskKind = 'shell' | 'agent';
export type Priority = 'critical' | 'high' | 'medium' | 'low';
export type Fairness = 'critical-path' | 'shortest-first' | 'round-robin' | 'fifo';
export type Cancellation = 'isolated' | 'cascading';
export type RunIf = 'success' | 'failure' | 'always';
export type EstimateSource = 'declared' | 'agent' | 'history' | 'default';
export type MatrixValue = string | number | boolean;

/** Retry policy with every default applied; durations in seconds. */
export interface RetryPolicy {
  maxAttempts: number;
  backoff: 'exponential' | 'fixed';
  delay: number;
  maxDelay: number;
  jitter: number;
  onExitCodes: number[];
  /** The kinds of failure that are retried. */
  onKinds: RetryKind[];
}

export interface CircuitBreakerPolicy {
  failureThreshold: number;
  cooldown: number;
}

/** Workflow policy with every default applied; durations in seconds. */
export interface Policy {
  maxConcurrency: number;
  /** Set when maxConcurrency is the default (this machine's CPUs): neither the file nor the config gave one. */
  cpuDefault?: true;
  timeout?: number;
  taskTimeout?: number;
  retry: RetryPolicy;
  fairness: Fairness;
  cancellation: Cancellation;
  costBudget?: number;
  circuitBreaker?: CircuitBreakerPolicy;
  seed?: number;
  gracePeriod: number;
  defaultEstimate: { shell: number; agent: number };
}

/** `memoize`: reuse a recorded success at most `maxAge` seconds old (any age without one). */
export interface Memoize {
  maxAge?: number;
}

export interface AgentSpec {
  name: string;
  command: string;
  /** How its command runs (words), if the agent says. */
  shell?: string[];
  /** Its tasks' stdout becomes this output, unless a task says otherwise. */
  captureStdout?: string;
  /** The output and JSON path where its tasks' attempts report their cost (`answer.total_cost_usd`), unless a task says otherwise. */
  costOutput?: string;
  /** What its tasks' outputs must be, by key (a task's own win key by key). */
  outputSchema?: OutputSchema;
  /** Its tasks reuse an earlier success's outputs when their inputs are the same. */
  memoize?: Memoize;
  description?: string;
  concurrency?: number;
  /** At most `requests` starts within any `per` seconds. */
  rateLimit?: { requests: number; per: number };
  estimate?: number;
  cost?: number;
  timeout?: number;
  retry: RetryPolicy;
  env: Record<string, string>;
  cwd?: string;
}

/** One task after matrix expansion, with the policy cascade applied. */
export interface TaskSpec {
  /** Unique id; a matrix expansion is `base[value,...]`. */
  id: string;
  /** The id in the file (the same as `id` unless expanded from a matrix). */
  baseId: string;
  matrix?: Record<string, MatrixValue>;
  /**
   * A matrix with keys from other tasks' outputs, as written: the task is a
   * group that expands when it is ready, and ends when its expansions end.
   */
  dynamicMatrix?: NonNullable<TaskFile['matrix']>;
  /** Where the task is defined: ['tasks', baseId]. */
  path: DocPath;
  kind: TaskKind;
  description?: string;
  /** Shell command (shell tasks) or the agent's command (agent tasks), templates left in. */
  command: string;
  /** The program and options the command is given to as its last argument: `['sh', '-c']` by default. */
  shell: string[];
  agent?: string;
  prompt?: string;
  /** The file its prompt was read from (absolute), if it has a `promptFile`. */
  promptFile?: string;
  /** The output its stdout becomes (its own `captureStdout`, else its agent's). */
  captureStdout?: string;
  /** The output and JSON path where its attempts report their cost (its own `costOutput`, else its agent's). */
  costOutput?: string;
  /** JSON Schemas its outputs must match after an attempt exits 0, by key (its agent's, under its own). */
  outputSchema?: OutputSchema;
  /** It reuses an earlier success's outputs when its inputs are the same (its own `memoize`, else its agent's). */
  memoize?: Memoize;
  params: Record<string, unknown>;
  /** Ids of the tasks this one needs, matrix needs expanded. */
  needs: string[];
  if: RunIf;
  /**
   * A long-running process its dependents use: it succeeds once ready (once
   * started, or once `ready` — templates filled at load time — exits 0, tried
   * every `interval` seconds, each try for at most `timeout` seconds), and is
   * stopped once they have all ended.
   */
  service?: { ready?: string; interval: number; timeout: number };
  /** It runs even after an interrupt, as its `if` allows (`always` or `failure` only). */
  runOnInterrupt?: boolean;
  /** Its `when` condition, parsed (checked when it is ready; false skips it). */
  when?: { source: string; condition: Condition };
  priority: Priority;
  /** At most this many of its matrix's expansions at once (only on expansions of a matrix). */
  maxParallel?: number;
  /** When one of its matrix's expansions fails for good, the others are cancelled (only on expansions of a matrix). */
  failFast?: boolean;
  artifacts: string[];
  /** Files it reads (paths, directories, globs; relative to cwd): with them it can be up to date. */
  sources: string[];
  gate: boolean;
  /** It waits for a person's approval before it starts: the question to show (templates filled at load time; outputs when it is ready), empty for `approval: true`. */
  approval?: string;
  /** With `approval: { timeout }`: seconds after which nobody deciding rejects it. */
  approvalTimeout?: number;
  continueOnError: boolean;
  /** Timeout of one attempt in seconds. */
  timeout?: number;
  retry: RetryPolicy;
  resources: Record<string, number>;
  /** Absolute working directory. */
  cwd: string;
  /** Environment: workflow < agent < task, values may hold templates. */
  env: Record<string, string>;
  cost: number;
  /** Estimated duration in seconds. */
  estimate: number;
  estimateSource: EstimateSource;
  /** The run's inputs its fields use (`${{ inputs.NAME }}`), if any; for a task of an included file, those its `include` entries pass on with `with`. */
  inputsUsed?: string[];
  /** The namespace of the `include` entry it came from (its id starts with it; `site.docs` for one included twice over), if it came from an included file. */
  includedFrom?: string;
  /** For a task of an included file: the values of that file's own inputs (its `when` reads them), from its `include` entry's `with`, else their defaults. */
  inputValues?: Record<string, string>;
  /** For a task of an included file: how each input it uses got its value (`docs.target=staging`, `docs.target=default:"dev"`), in its definition hash. */
  inputBindings?: string[];
  /** Its fields with the inputs left as templates: what its definition hash covers. */
  unfilled?: Pick<TaskSpec, 'command' | 'prompt' | 'artifacts' | 'sources' | 'cwd' | 'env' | 'params'> & { ready?: string };
}

export interface Workflow {
  /** Absolute path of the file, or a label for in-memory workflows. */
  file: string;
  /** Directory relative paths are resolved against. */
  dir: string;
  name: string;
  description?: string;
  env: Record<string, string>;
  /** The variables of its dotenv files, read when it was loaded (under the environment's own). */
  dotenv: Record<string, string>;
  secrets: string[];
  secretPatterns: string[];
  /** The value of each input (given with --input, else its default), as rendered into the tasks. */
  inputs: Record<string, string>;
  /** The inputs as the file declares them (description, type, default, enum). */
  declaredInputs: Record<string, Input>;
  policy: Policy;
  resources: Record<string, number>;
  agents: Record<string, AgentSpec>;
  telemetry: { heartbeat: number };
  /** Tasks in file order, matrix expanded. */
  tasks: TaskSpec[];
  /** Task index by id. */
  taskIndex: Map<string, number>;
  /** Source positions, for errors found later (plan, run). */
  source: SourceMap;
  /** The history database the config file names (absolute), if it names one. */
  stateFile?: string;
  /** How much of its run history `run` keeps (the config file's `retention`): at most `maxRuns` runs, none older than `maxAge` seconds. */
  retention?: { maxRuns?: number; maxAge?: number };
  /** Its runs run one at a time on a machine with the other runs of this group (`exclusive`). */
  exclusive?: Exclusive;
}
