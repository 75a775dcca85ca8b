import { formatDuration } from '../util/duration.js';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { resolveRetry } from './resolve-policy.js';
import type { ConfigFile, Retry, WorkflowFile } from './schema-types.js';
import type { RetryPolicy } from './model.js';

/** One layer of the retry cascade: its block, and how a message names it. */
interface Layer {
  retry: Retry | undefined;
  name: string;
}

function policyLayers(raw: WorkflowFile, config: ConfigFile): Layer[] {
  return [
    { retry: config.policy?.retry, name: "the config file's policy.retry" },
    { retry: raw.policy?.retry, name: 'policy.retry' },
  ];
}

function agentLayers(raw: WorkflowFile, config: ConfigFile, name: string): Layer[] {
  return [
    ...policyLayers(raw, config),
    { retry: config.agents?.[name]?.retry, name: `the config file's agent "${name}"` },
    { retry: raw.agents?.[name]?.retry, name: `agents.${name}.retry` },
  ];
}

/** A retry whose delay is over the cap of every delay: it waits the cap. */
export function delayOverCap(retry: Pick<RetryPolicy, 'delay' | 'maxDelay'>): boolean {
  return retry.maxDelay < retry.delay;
}

/** A retry that lists exit codes while its kinds leave out `exit-code`: the codes are never consulted. */
export function exitCodesUnused(retry: Pick<RetryPolicy, 'onExitCodes' | 'onKinds'>): boolean {
  return retry.onExitCodes.length > 0 && !retry.onKinds.includes('exit-code');
}

/** The last layer that writes `key`, named in a message unless it is the block checked (the last of all). */
function writtenBy(layers: Layer[], key: keyof Retry): string {
  const layer = [...layers].reverse().find((l) => l.retry?.[key] !== undefined);
  return layer === undefined || layer === layers[layers.length - 1] ? '' : ` (${layer.name})`;
}

/**
 * The last layer's block, when it writes a `delay` or a `maxDelay` and, with
 * the layers under it, waits longer than it may: `maxDelay` caps every delay,
 * so a delay written above it is never waited — `delay: 5s, maxDelay: 1s`
 * waits 1s before every retry, quietly. A cap below the default delay, with
 * no delay written, is not a mistake: it chooses the delay.
 */
function delayOverMax(layers: Layer[], resolved: RetryPolicy, owner: string, at: DocPath): Diagnostic | undefined {
  const own = layers[layers.length - 1]!.retry;
  if (own?.delay === undefined && own?.maxDelay === undefined) return undefined;
  if (!delayOverCap(resolved) || !layers.some((layer) => layer.retry?.delay !== undefined)) return undefined;
  const { delay, maxDelay } = resolved;
  // Below the delay, so written: the default cap is never below a delay.
  return warning('delay-over-max-delay', `${owner} waits ${formatDuration(delay)} before a retry${writtenBy(layers, 'delay')}, but maxDelay caps every delay at ${formatDuration(maxDelay)}${writtenBy(layers, 'maxDelay')}: each retry waits ${formatDuration(maxDelay)}; lower the delay or raise maxDelay`, [...at, own.delay !== undefined ? 'delay' : 'maxDelay']);
}

/**
 * The last layer's block, when it writes `onExitCodes` or `onKinds` and, with
 * the layers under it, lists exit codes to retry while its kinds leave out
 * `exit-code`: a failed exit code is then never retried, whatever its code —
 * `onKinds: [timeout], onExitCodes: [75]` does not retry 75, quietly.
 */
function exitCodesNotRetried(layers: Layer[], resolved: RetryPolicy, owner: string, at: DocPath): Diagnostic | undefined {
  const own = layers[layers.length - 1]!.retry;
  if (own?.onExitCodes === undefined && own?.onKinds === undefined) return undefined;
  if (!exitCodesUnused(resolved)) return undefined;
  const { onExitCodes, onKinds } = resolved;
  return warning('exit-codes-not-retried', `${owner} retries exit codes ${onExitCodes.join(', ')}${writtenBy(layers, 'onExitCodes')}, but its onKinds (${onKinds.join(', ')})${writtenBy(layers, 'onKinds')} leave out exit-code: no failed exit code is retried, whatever its code; add exit-code to onKinds, or drop onExitCodes`, [...at, own.onExitCodes !== undefined ? 'onExitCodes' : 'onKinds']);
}

function problemsOf(layers: Layer[], owner: string, at: DocPath): Diagnostic[] {
  // The block as its layers resolve it, once for both checks.
  const resolved = resolveRetry(...layers.map((layer) => layer.retry));
  return [delayOverMax(layers, resolved, owner, at), exitCodesNotRetried(layers, resolved, owner, at)].filter((problem) => problem !== undefined);
}

/**
 * The workflow file's policy and agent `retry` blocks that, with the layers
 * under them (the config file's, the policy's), wait less than their delay
 * (delayOverMax) or never consult their exit codes (exitCodesNotRetried). The
 * config file's own blocks count toward what these resolve to; lint reads the
 * workflow file.
 */
export function retryBlockProblems(raw: WorkflowFile, config: ConfigFile): Diagnostic[] {
  const problems = problemsOf(policyLayers(raw, config), 'the policy', ['policy', 'retry']);
  for (const name of Object.keys(raw.agents ?? {})) problems.push(...problemsOf(agentLayers(raw, config, name), `agent "${name}"`, ['agents', name, 'retry']));
  return problems;
}

/** The same of a task's `retry` block, over its agent's and the policy's. */
export function taskRetryProblems(raw: WorkflowFile, config: ConfigFile, id: string): Diagnostic[] {
  const task = raw.tasks[id]!;
  const under = task.agent !== undefined ? agentLayers(raw, config, task.agent) : policyLayers(raw, config);
  return problemsOf([...under, { retry: task.retry, name: 'its retry' }], `task "${id}"`, ['tasks', id, 'retry']);
}
