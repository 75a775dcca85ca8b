import type { EventListener } from '../telemetry/events.js';
import { SecretMasker, secretValues } from '../telemetry/mask.js';
import type { Workflow } from '../workflow/model.js';
import type { Executor } from './attempt.js';
import { RunEngine } from './engine.js';
import { InProcessExecutor, type AgentFactory } from './in-process-executor.js';
import type { RunResult } from './result.js';
import { newRunId, runDirectory } from './run-dir.js';
import { selectTasks } from './select-tasks.js';
import { ShellExecutor } from './shell-executor.js';
import { SPAWNER_THRESHOLD, SpawnerClient } from './spawner/spawner-client.js';

export interface StartRunOptions {
  /** Overrides policy.maxConcurrency. */
  concurrency?: number;
  /** Run only these task ids and what they need. */
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
  /** In-process agents by task id (library API). */
  agents?: ReadonlyMap<string, AgentFactory>;
  /** Tasks reused from an earlier run (resume): index -> outputs. */
  reused?: ReadonlyMap<number, Record<string, string>>;
}

export interface RunHandle {
  runId: string;
  runDir: string;
  engine: RunEngine;
  masker: SecretMasker;
  result: Promise<RunResult>;
}

/** The secrets of a run: named ones and secret-looking names, in the environment and the workflow. */
export function workflowMasker(workflow: Workflow, env: Record<string, string | undefined>): SecretMasker {
  const all: Record<string, string | undefined> = { ...env, ...workflow.env };
  const values = new Set(secretValues(all, workflow.secrets, workflow.secretPatterns));
  const scopes = [...Object.values(workflow.agents).map((a) => a.env), ...workflow.tasks.map((t) => t.env)];
  for (const scope of scopes) for (const v of secretValues(scope, workflow.secrets, workflow.secretPatterns)) values.add(v);
  return new SecretMasker([...values]);
}

/** Starts a run of a loaded workflow: the one engine behind the CLI and the library API. */
export function startRun(workflow: Workflow, options: StartRunOptions = {}): RunHandle {
  const runId = options.runId ?? newRunId();
  const runDir = options.runDir ?? runDirectory(workflow.dir, runId);
  const env = options.env ?? process.env;
  const masker = workflowMasker(workflow, env);
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) baseEnv[k] = v;
  const workers = process.env.ORCHESTRATE_SPAWNERS !== undefined
    ? Number(process.env.ORCHESTRATE_SPAWNERS)
    : workflow.tasks.length >= SPAWNER_THRESHOLD ? 2 : 1;
  const spawner = new SpawnerClient(masker.values, baseEnv, workers);
  spawner.warmUp();
  const shell = new ShellExecutor(masker, spawner);
  const inProcess = new Map<string, Executor>();
  for (const [id, factory] of options.agents ?? []) inProcess.set(id, new InProcessExecutor(factory, masker, baseEnv));
  const listeners = options.listeners ?? [];
  const engine = new RunEngine(workflow, {
    runId,
    runDir,
    concurrency: options.concurrency,
    only: options.only?.length ? selectTasks(workflow, options.only) : undefined,
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
    masker,
    baseEnv: env,
    executorFor: (task) => inProcess.get(task.id) ?? inProcess.get(task.baseId) ?? shell,
    interrupt: options.interrupt,
    reused: options.reused,
  });
  const result = engine.run().finally(() => spawner.close());
  return { runId, runDir, engine, masker, result };
}
