import { availableParallelism } from 'node:os';
import { parseDuration } from '../util/duration.js';
import { slotsOf } from './cpu-share.js';
import { schemaDefault, schemas } from './schema.js';
import type { Agent, ConfigFile, Duration, Memoize as MemoizeFile, Policy as PolicyFile, Retry } from './schema-types.js';
import type { RetryKind } from './model.js';
import type { AgentSpec, Memoize, Policy, RetryPolicy } from './model.js';
import { shellWords } from './shell.js';

function seconds(value: Duration | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value);
}

function defaultSeconds(definition: string, property: string): number {
  return parseDuration(schemaDefault(definition, property) as Duration)!;
}

/** Merges retry settings key by key: later layers win; schema defaults underneath. */
export function resolveRetry(...layers: Array<Retry | undefined>): RetryPolicy {
  const merged: Retry = Object.assign({}, ...layers.filter(Boolean));
  const delay = seconds(merged.delay) ?? defaultSeconds('retry', 'delay');
  return {
    maxAttempts: merged.maxAttempts ?? (schemaDefault('retry', 'maxAttempts') as number),
    backoff: merged.backoff ?? (schemaDefault('retry', 'backoff') as RetryPolicy['backoff']),
    delay,
    // The default cap never shortens a delay written: `delay: 5m` waits 5m.
    maxDelay: seconds(merged.maxDelay) ?? Math.max(defaultSeconds('retry', 'maxDelay'), delay),
    jitter: merged.jitter ?? (schemaDefault('retry', 'jitter') as number),
    onExitCodes: merged.onExitCodes ?? [],
    onKinds: merged.onKinds ?? (schemaDefault('retry', 'onKinds') as RetryKind[]),
  };
}

/** Two policy layers as one, as the cascade reads them: `upper` wins, key by key also inside `retry`, `circuitBreaker` and `defaultEstimate`. */
export function mergePolicyFiles(lower: PolicyFile | undefined, upper: PolicyFile | undefined): PolicyFile {
  const merged: PolicyFile = { ...lower, ...upper };
  for (const key of ['retry', 'circuitBreaker', 'defaultEstimate'] as const) {
    if (lower?.[key] || upper?.[key]) Object.assign(merged, { [key]: { ...lower?.[key], ...upper?.[key] } });
  }
  return merged;
}

/** Built-in defaults < config file < workflow policy. */
export function resolvePolicy(config: PolicyFile | undefined, workflow: PolicyFile | undefined): Policy {
  const p = mergePolicyFiles(config, workflow);
  const breaker = p.circuitBreaker;
  const estimates = { ...p.defaultEstimate };
  return {
    maxConcurrency: p.maxConcurrency === undefined ? availableParallelism() : slotsOf(p.maxConcurrency),
    ...(p.maxConcurrency === undefined ? { cpuDefault: true as const } : {}),
    timeout: seconds(p.timeout),
    taskTimeout: seconds(p.taskTimeout),
    retry: resolveRetry(p.retry),
    fairness: p.fairness ?? (schemaDefault('policy', 'fairness') as Policy['fairness']),
    cancellation: p.cancellation ?? (schemaDefault('policy', 'cancellation') as Policy['cancellation']),
    costBudget: p.costBudget,
    circuitBreaker: breaker && {
      failureThreshold: breaker.failureThreshold ?? (schemaDefault('circuitBreaker', 'failureThreshold') as number),
      cooldown: seconds(breaker.cooldown) ?? defaultSeconds('circuitBreaker', 'cooldown'),
    },
    seed: p.seed,
    gracePeriod: seconds(p.gracePeriod) ?? defaultSeconds('policy', 'gracePeriod'),
    defaultEstimate: {
      shell: seconds(estimates.shell) ?? defaultSeconds('defaultEstimate', 'shell'),
      agent: seconds(estimates.agent) ?? defaultSeconds('defaultEstimate', 'agent'),
    },
  };
}

/** The name patterns of secret variables and inputs (`*TOKEN*`): the config file's, else the schema's default. */
export function resolveSecretPatterns(config: ConfigFile): string[] {
  return config.secretPatterns ?? (schemas().config.properties.secretPatterns.default as string[]);
}

export function stringifyEnv(env: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = String(v);
  return out;
}

/** `memoize` as written: `true` (any age), a duration (the oldest success to reuse), `false` (off, over an agent's); undefined when not set. */
export function resolveMemoize(value: MemoizeFile | undefined): Memoize | false | undefined {
  if (value === undefined || value === false) return value;
  return value === true ? {} : { maxAge: seconds(value)! };
}

/** Config agent < workflow agent of the same name, key by key; retry over the policy's. */
export function resolveAgents(
  config: ConfigFile['agents'],
  workflow: Record<string, Agent> | undefined,
  policy: Policy,
  policyRetry: Array<Retry | undefined>,
): Record<string, AgentSpec> {
  const names = new Set([...Object.keys(config ?? {}), ...Object.keys(workflow ?? {})]);
  const out: Record<string, AgentSpec> = {};
  for (const name of names) {
    const base = config?.[name];
    const own = workflow?.[name];
    const a: Partial<Agent> = { ...base, ...own };
    const memoize = resolveMemoize(a.memoize);
    out[name] = {
      name,
      command: a.command ?? '',
      shell: a.shell === undefined ? undefined : shellWords(a.shell),
      captureStdout: a.captureStdout,
      ...(a.costOutput ? { costOutput: a.costOutput } : {}),
      ...(a.outputSchema ? { outputSchema: a.outputSchema } : {}),
      ...(memoize ? { memoize } : {}),
      description: a.description,
      concurrency: a.concurrency,
      rateLimit: a.rateLimit && { requests: a.rateLimit.requests, per: seconds(a.rateLimit.per)! },
      estimate: seconds(a.estimate),
      cost: a.cost,
      timeout: seconds(a.timeout) ?? policy.taskTimeout,
      retry: resolveRetry(...policyRetry, base?.retry, own?.retry),
      env: { ...stringifyEnv(base?.env), ...stringifyEnv(own?.env) },
      cwd: a.cwd,
    };
  }
  return out;
}
