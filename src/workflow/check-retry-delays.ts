import { formatDuration } from '../util/duration.js';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import { resolveRetry } from './resolve-policy.js';
import type { ConfigFile, Retry, WorkflowFile } from './schema-types.js';

/** One layer of the retry cascade: its block, and how a message names it. */
interface Layer {
  retry: Retry | undefined;
  name: string;
}

/**
 * The workflow file's `retry` blocks (the policy's, an agent's, a task's) that
 * write a `delay` or a `maxDelay` and, with the layers under them (the config
 * file's, the policy's, the agent's), wait longer than they may: `maxDelay`
 * caps every delay, so a delay written above it is never waited — `delay: 5s,
 * maxDelay: 1s` waits 1s before every retry, quietly. A cap below the default
 * delay, with no delay written, is not a mistake: it chooses the delay. The config file's own
 * blocks count toward what these resolve to; lint reads the workflow file.
 */
export function retryDelaysOverMax(raw: WorkflowFile, config: ConfigFile): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const policy: Layer[] = [
    { retry: config.policy?.retry, name: "the config file's policy.retry" },
    { retry: raw.policy?.retry, name: 'policy.retry' },
  ];
  const agentLayers = (name: string): Layer[] => [
    ...policy,
    { retry: config.agents?.[name]?.retry, name: `the config file's agent "${name}"` },
    { retry: raw.agents?.[name]?.retry, name: `agents.${name}.retry` },
  ];
  const check = (layers: Layer[], owner: string, at: DocPath) => {
    const own = layers[layers.length - 1]!.retry;
    if (own?.delay === undefined && own?.maxDelay === undefined) return;
    const { delay, maxDelay } = resolveRetry(...layers.map((layer) => layer.retry));
    if (maxDelay >= delay) return;
    // A cap below the default delay, with no delay written, is the delay someone chose.
    const delayBy = [...layers].reverse().find((layer) => layer.retry?.delay !== undefined);
    if (!delayBy) return;
    const capBy = [...layers].reverse().find((layer) => layer.retry?.maxDelay !== undefined)!;
    const from = (layer: Layer) => (layer === layers[layers.length - 1] ? '' : ` (${layer.name})`);
    const key = own.delay !== undefined ? 'delay' : 'maxDelay';
    diagnostics.push(warning('delay-over-max-delay', `${owner} waits ${formatDuration(delay)} before a retry${from(delayBy)}, but maxDelay caps every delay at ${formatDuration(maxDelay)}${from(capBy)}: each retry waits ${formatDuration(maxDelay)}; lower the delay or raise maxDelay`, [...at, key]));
  };
  check(policy, 'the policy', ['policy', 'retry']);
  for (const name of Object.keys(raw.agents ?? {})) check(agentLayers(name), `agent "${name}"`, ['agents', name, 'retry']);
  for (const [id, task] of Object.entries(raw.tasks)) {
    const under = task.agent !== undefined ? agentLayers(task.agent) : policy;
    check([...under, { retry: task.retry, name: 'its retry' }], `task "${id}"`, ['tasks', id, 'retry']);
  }
  return diagnostics;
}
