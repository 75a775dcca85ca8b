import { formatDuration } from '../util/duration.js';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { resolveRetry } from './resolve-policy.js';
import type { ConfigFile, Retry, WorkflowFile } from './schema-types.js';

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

/**
 * The last layer's block, when it writes a `delay` or a `maxDelay` and, with
 * the layers under it, waits longer than it may: `maxDelay` caps every delay,
 * so a delay written above it is never waited — `delay: 5s, maxDelay: 1s`
 * waits 1s before every retry, quietly. A cap below the default delay, with
 * no delay written, is not a mistake: it chooses the delay.
 */
function delayOverMax(layers: Layer[], owner: string, at: DocPath): Diagnostic | undefined {
  const own = layers[layers.length - 1]!.retry;
  if (own?.delay === undefined && own?.maxDelay === undefined) return undefined;
  const { delay, maxDelay } = resolveRetry(...layers.map((layer) => layer.retry));
  if (maxDelay >= delay) return undefined;
  const delayBy = [...layers].reverse().find((layer) => layer.retry?.delay !== undefined);
  if (!delayBy) return undefined;
  // Below the delay, so written: the default cap is never below a delay.
  const capBy = [...layers].reverse().find((layer) => layer.retry?.maxDelay !== undefined)!;
  const from = (layer: Layer) => (layer === layers[layers.length - 1] ? '' : ` (${layer.name})`);
  return warning('delay-over-max-delay', `${owner} waits ${formatDuration(delay)} before a retry${from(delayBy)}, but maxDelay caps every delay at ${formatDuration(maxDelay)}${from(capBy)}: each retry waits ${formatDuration(maxDelay)}; lower the delay or raise maxDelay`, [...at, own.delay !== undefined ? 'delay' : 'maxDelay']);
}

/**
 * The workflow file's policy and agent `retry` blocks whose delay is over the
 * maxDelay that caps it (delayOverMax), with the layers under them (the config
 * file's, the policy's). The config file's own blocks count toward what these
 * resolve to; lint reads the workflow file.
 */
export function retryDelaysOverMax(raw: WorkflowFile, config: ConfigFile): Diagnostic[] {
  const problems = [delayOverMax(policyLayers(raw, config), 'the policy', ['policy', 'retry'])];
  for (const name of Object.keys(raw.agents ?? {})) problems.push(delayOverMax(agentLayers(raw, config, name), `agent "${name}"`, ['agents', name, 'retry']));
  return problems.filter((problem) => problem !== undefined);
}

/** A task's `retry` block whose delay is over the maxDelay that caps it (delayOverMax), over its agent's and the policy's. */
export function taskDelayOverMax(raw: WorkflowFile, config: ConfigFile, id: string): Diagnostic | undefined {
  const task = raw.tasks[id]!;
  const under = task.agent !== undefined ? agentLayers(raw, config, task.agent) : policyLayers(raw, config);
  return delayOverMax([...under, { retry: task.retry, name: 'its retry' }], `task "${id}"`, ['tasks', id, 'retry']);
}
