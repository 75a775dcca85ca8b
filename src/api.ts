import { join, resolve } from 'node:path';
import { OrchestrateError, EXIT } from './errors.js';
import { planWorkflow, type Plan, type PlanOptions } from './plan/plan.js';
import type { OutputListener } from './run/engine-options.js';
import type { Agent, AgentFactory } from './run/in-process-executor.js';
import type { RunResult } from './run/result.js';
import type { Approver } from './run/approval.js';
import { startRun } from './run/start-run.js';
import type { RunEvent } from './telemetry/events.js';
import { formatPath } from './workflow/schema-errors.js';
import { error, type Diagnostic } from './workflow/diagnostics.js';
import { loadWorkflowFile, loadWorkflowText } from './workflow/load.js';
import type { Workflow } from './workflow/model.js';
import type { Policy as PolicyFile, Task as TaskFile } from './workflow/schema-types.js';

/** A workflow with errors, from the library API; `diagnostics` has them all. */
export class WorkflowError extends OrchestrateError {
  /** @param positions whether line:col means something to the caller (a file), not for tasks given in code */
  constructor(readonly diagnostics: Diagnostic[], where: string, positions = true) {
    super('invalid-workflow', `invalid workflow ${where}:\n${diagnostics.map((d) => `  ${positions && d.position ? `${d.position.line}:${d.position.column} ` : ''}${d.path?.length ? `${formatPath(d.path)}: ` : ''}${d.message} [${d.code}]`).join('\n')}`, EXIT.usage);
    this.name = 'WorkflowError';
  }
}

/** A task for executeGraph / executeParallel: a shell command or an in-process agent. */
export interface ApiTask extends Omit<TaskFile, 'agent' | 'run'> {
  id: string;
  /** Shell command (sh -c). */
  run?: string;
  /** An in-process agent, or a factory that makes one per attempt. */
  agent?: Agent | AgentFactory;
}

/** Policy for the API: the workflow `policy` keys plus run options. */
export interface ApiPolicy extends PolicyFile {
  name?: string;
  resources?: Record<string, number>;
  env?: Record<string, string>;
  secrets?: string[];
  /** How shell tasks run their command, as the workflow's `shell` (default `sh -c`). */
  shell?: string;
  /** Directory that relative paths and `.orchestrate/` resolve against (default: process.cwd()). */
  cwd?: string;
  /** Abort to cancel the run. */
  signal?: AbortSignal;
  /** Receives every telemetry event (masked). */
  onEvent?: (event: RunEvent) => void;
  /** Receives every output line of every task as it comes (masked): stdout and stderr of shell tasks, `ctx.log` and `output` of in-process agents. */
  onOutput?: OutputListener;
  /** Run only these tasks and what they need. */
  only?: string[];
  /** Answers the tasks with `approval` (without it they are rejected). */
  approve?: Approver;
}

const RUN_OPTIONS = ['name', 'resources', 'env', 'secrets', 'shell', 'cwd', 'signal', 'onEvent', 'onOutput', 'only', 'approve'] as const;

function toWorkflow(tasks: ApiTask[], policy: ApiPolicy, caller: string): { workflow: Workflow; agents: Map<string, AgentFactory> } {
  if (!Array.isArray(tasks)) throw new TypeError(`${caller}: the tasks must be an array, got ${typeof tasks}`);
  if (policy === null || typeof policy !== 'object') throw new TypeError(`${caller}: the policy must be an object, got ${policy === null ? 'null' : typeof policy}`);
  const agents = new Map<string, AgentFactory>();
  // Without a prototype, a task called `__proto__` is a key like any, which validation then refuses.
  const fileTasks: Record<string, TaskFile> = Object.create(null);
  const duplicates: Diagnostic[] = [];
  for (const [index, task] of tasks.entries()) {
    if (task === null || typeof task !== 'object' || typeof task.id !== 'string') {
      throw new TypeError(`${caller}: task ${index + 1} must be an object with a string id, got ${task === null ? 'null' : typeof task === 'object' ? 'an object without one' : typeof task}`);
    }
    const { id, agent, ...rest } = task;
    if (Object.hasOwn(fileTasks, id)) duplicates.push(error('duplicate-task-id', `task id "${id}" occurs twice (tasks ${tasks.findIndex((t) => t?.id === id) + 1} and ${index + 1})`, ['tasks', id]));
    if (agent !== undefined) {
      if (typeof agent !== 'function' && (agent === null || typeof agent !== 'object' || typeof agent.run !== 'function')) {
        throw new TypeError(`${caller}: the agent of task "${id}" must be an Agent ({ run(prompt, ctx) }) or a function that makes one, got ${agent === null ? 'null' : typeof agent === 'object' ? 'an object without a run method' : typeof agent}`);
      }
      agents.set(id, typeof agent === 'function' ? agent : () => agent);
      fileTasks[id] = { ...rest, run: rest.run ?? `# in-process agent ${id}` };
    } else {
      fileTasks[id] = rest;
    }
  }
  const ownPolicy: Record<string, unknown> = { ...policy };
  for (const key of RUN_OPTIONS) delete ownPolicy[key];
  const file = {
    version: 1,
    name: policy.name ?? 'api',
    ...(policy.env ? { env: policy.env } : {}),
    ...(policy.secrets ? { secrets: policy.secrets } : {}),
    ...(policy.resources ? { resources: policy.resources } : {}),
    ...(policy.shell !== undefined ? { shell: policy.shell } : {}),
    policy: ownPolicy,
    tasks: fileTasks,
  };
  const path = join(resolve(policy.cwd ?? process.cwd()), `${file.name}.workflow.json`);
  if (duplicates.length) throw new WorkflowError(duplicates, `given to ${caller}`, false);
  const loaded = loadWorkflowText(JSON.stringify(file, null, 2), path);
  if (!loaded.workflow) throw new WorkflowError(loaded.diagnostics, `given to ${caller}`, false);
  return { workflow: loaded.workflow, agents };
}

/**
 * Runs tasks with `needs` as a dependency graph under `policy`; resolves to
 * the same result object as `orchestrate run --json`.
 */
export async function executeGraph(graph: { tasks: ApiTask[] }, policy: ApiPolicy = {}): Promise<RunResult> {
  if (graph === null || typeof graph !== 'object') throw new TypeError(`executeGraph: the graph must be an object { tasks }, got ${graph === null ? 'null' : typeof graph}`);
  return run(graph.tasks, policy, 'executeGraph');
}

/**
 * Runs independent tasks in parallel under `policy`. A task with `needs` is
 * refused (TypeError): run tasks with needs with executeGraph, which orders them.
 */
export async function executeParallel(tasks: ApiTask[], policy: ApiPolicy = {}): Promise<RunResult> {
  const ordered = Array.isArray(tasks) ? tasks.find((t) => t !== null && typeof t === 'object' && t.needs !== undefined && (!Array.isArray(t.needs) || t.needs.length > 0)) : undefined;
  if (ordered) throw new TypeError(`executeParallel: task ${JSON.stringify(ordered.id)} has needs, but executeParallel runs independent tasks side by side: give tasks with needs to executeGraph, which runs each after what it needs`);
  return run(tasks, policy, 'executeParallel');
}

async function run(tasks: ApiTask[], policy: ApiPolicy, caller: string): Promise<RunResult> {
  // No tasks is no mistake in code (a batch of no files, as Promise.all([]) takes): a run of nothing, which succeeds.
  const none = Array.isArray(tasks) && tasks.length === 0;
  const { workflow, agents } = toWorkflow(none ? [{ id: 'nothing', run: 'true' }] : tasks, policy, caller);
  return startRun(workflow, {
    agents,
    interrupt: policy.signal,
    only: none ? [] : policy.only,
    listeners: policy.onEvent ? [policy.onEvent] : [],
    onOutput: policy.onOutput,
    approve: policy.approve,
  }).result;
}

/**
 * Loads and checks a workflow file; throws WorkflowError with every diagnostic
 * when it has errors. `inputs` gives the workflow's inputs their values (as
 * `--input` does); every input needs one that fits, given or its default, so
 * that the workflow is ready to run (OrchestrateError, code "usage", if not).
 */
export async function loadWorkflow(file: string, options: { config?: string; inputs?: Record<string, string | number | boolean> } = {}): Promise<Workflow> {
  const inputs = options.inputs && Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [k, String(v)]));
  const result = await loadWorkflowFile(file, { configPath: options.config, inputs, requireInputs: true });
  if (!result.workflow) throw new WorkflowError(result.diagnostics, `in ${result.file}`);
  if (result.inputProblems?.length) throw new OrchestrateError('usage', `${result.file}: ${result.inputProblems.join('; ')}`, EXIT.usage);
  return result.workflow;
}

/** The dry-run plan of a loaded workflow (as `orchestrate plan --json`). */
export function plan(workflow: Workflow, options: PlanOptions = {}): Plan {
  return planWorkflow(workflow, options);
}
