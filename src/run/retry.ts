import { seededRandom } from '../util/random.js';
import type { RetryPolicy } from '../workflow/model.js';
import { parseDuration } from '../util/duration.js';

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Delay in seconds before the retry that follows failed attempt `attempt`
 * (1-based): `delay` times 2^(attempt-1) for exponential backoff, capped at
 * `maxDelay`, spread by ±`jitter`. The jitter draws from a generator seeded
 * by (seed, task, attempt), so a seeded run gets the same delays whatever
 * order tasks fail in.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, taskId: string, seed?: number): number {
  const base = policy.backoff === 'exponential' ? policy.delay * 2 ** (attempt - 1) : policy.delay;
  const capped = Math.min(base, policy.maxDelay);
  if (!policy.jitter) return capped;
  const random = seed === undefined ? Math.random() : seededRandom(hash(`${seed}\u0000${taskId}\u0000${attempt}`))();
  return Math.max(0, capped * (1 + policy.jitter * (2 * random - 1)));
}

/** Whether a failed attempt may be retried under the policy. */
export function isRetryable(policy: RetryPolicy, attempt: number, kind: string, exitCode: number | null): boolean {
  if (attempt >= policy.maxAttempts) return false;
  if (kind === 'cancelled' || kind === 'circuit-open' || kind === 'budget') return false;
  if (kind === 'exit-code' && policy.onExitCodes.length && !policy.onExitCodes.includes(exitCode ?? -1)) return false;
  return (policy.onKinds as readonly string[]).includes(kind);
}

/**
 * The output that says how long to wait: `retry-after`, or the header's name
 * written another way — `Retry-After` (HTTP names ignore case), an SDK's
 * `retry_after`, `retryAfter` — as a script copies it from where it read it.
 */
function retryAfterOutput(outputs: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(outputs, 'retry-after')) return outputs['retry-after'];
  const key = Object.keys(outputs).find((k) => k.toLowerCase().replace(/[-_]/g, '') === 'retryafter');
  return key === undefined ? undefined : outputs[key];
}

/**
 * How long a failed attempt asked to wait before the next one: its
 * `retry-after` output (retryAfterOutput), as an API's HTTP Retry-After
 * gives it (seconds, or an HTTP date), or a duration such as `90s`.
 * Undefined when there is none or it is neither.
 */
export function retryAfterSeconds(outputs: Readonly<Record<string, string>>, nowMs: number): number | undefined {
  const value = retryAfterOutput(outputs)?.trim() ?? '';
  if (!value) return undefined;
  const seconds = parseDuration(value);
  if (seconds !== undefined) return seconds;
  // An HTTP date names a weekday and a zone ("Wed, 21 Oct 2026 07:28:00 GMT"); bare numbers were handled above.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}
