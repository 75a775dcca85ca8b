import { createHash } from 'node:crypto';
import type { TaskSpec } from '../workflow/model.js';
import { projectPath } from '../workflow/project-root.js';
import { findArtifacts } from './artifacts.js';
import type { AttemptRequest } from './attempt.js';
import { placedTask, renderedTask, type AttemptContext } from './attempt-request.js';
import type { EngineOptions } from './engine-options.js';
import type { SecretMasker } from '../telemetry/mask.js';

/**
 * What a memoized task is known by: a hash of its id and everything that
 * decides what it does — its command, prompt, params and own variables as rendered for this run
 * (with the outputs of its needs), its shell, params, working directory
 * (relative to the project's `root` when inside it: a moved project keeps its memos),
 * agent, captureStdout, output schemas and artifacts. Equal keys: the task
 * would be asked the same again. The environment it inherits is not part of it.
 * Secrets (`masker`) are masked in what is hashed: the key is kept in the
 * history and the events, and a hash of a short secret beside a workflow
 * anyone can read would give the secret back to whoever tries candidates.
 */
export function memoKey(task: TaskSpec, given: Pick<AttemptRequest, 'command' | 'prompt' | 'env' | 'params'>, root: string, masker: Pick<SecretMasker, 'maskDeep'>): string {
  const rendered = masker.maskDeep({ command: given.command, prompt: given.prompt, env: given.env, params: given.params });
  const env = Object.entries(rendered.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const what = {
    v: 2,
    id: task.id,
    kind: task.kind,
    agent: task.agent ?? null,
    command: rendered.command,
    shell: task.shell ?? null,
    prompt: rendered.prompt ?? null,
    env,
    params: rendered.params,
    cwd: projectPath(root, task.cwd),
    captureStdout: task.captureStdout ?? null,
    outputSchema: task.outputSchema ?? null,
    artifacts: task.artifacts,
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** The ids by which a template can read the outputs of a service: each service's own, and its matrix task's. */
export function serviceIds(tasks: readonly TaskSpec[]): Set<string> {
  return new Set(tasks.filter((t) => t.service).flatMap((t) => [t.id, t.baseId]));
}

/**
 * A memoized task's key as rendered with `valueOf`, and the outputs, summary
 * and artifacts of a recorded success under it, if there is one young enough
 * whose artifacts are still there. The outputs of a service (`services`:
 * serviceIds) say where it is — an address, a port chosen at start — not what
 * it answers: they stay templates in the key, so a new port asks nothing again.
 */
export function recallMemo(task: TaskSpec, valueOf: AttemptContext['valueOf'], lookup: NonNullable<EngineOptions['memo']>, root: string, services: ReadonlySet<string>, masker: Pick<SecretMasker, 'maskDeep'>): { key: string; outputs?: Record<string, string>; summary?: string; artifacts?: string[] } {
  const keyed: AttemptContext['valueOf'] = (ref, env) => (ref.kind === 'task-output' && services.has(ref.task) ? ref.text : valueOf(ref, env));
  const placed = placedTask(task, keyed);
  const key = memoKey(placed, renderedTask(placed, keyed), root, masker);
  const hit = lookup(key, task.memoize?.maxAge);
  if (!hit) return { key };
  const found = findArtifacts(placed.artifacts, [], placed.cwd);
  return found.missing.length ? { key } : { key, outputs: hit.outputs, ...(hit.summary !== undefined ? { summary: hit.summary } : {}), artifacts: found.produced };
}
