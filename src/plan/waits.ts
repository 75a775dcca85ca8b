import type { Limits } from './capacity.js';
import type { QueueTask } from './ready-queue.js';
import { FREE_SLOT } from './wait-tally.js';

/** A limit that ready tasks waited for (in a plan's simulated schedule, or in a run), and how long. */
export interface LimitWait {
  /**
   * The global concurrency, an agent's concurrency or start rate, a resource's
   * capacity, a matrix's `maxParallel`, or (in a run) an agent held by its
   * API's Retry-After.
   */
  limit: 'concurrency' | 'agent' | 'rate' | 'resource' | 'maxParallel' | 'hold';
  /** The agent, resource or matrix task it belongs to; null for the global concurrency. */
  name: string | null;
  /** The limit as set: slots, units of the resource, or starts (of a rate, per `per` seconds); none for a hold. */
  capacity?: number;
  per?: number;
  /** How many tasks waited for it. */
  tasks: number;
  /** Their waits for it added up, seconds. */
  seconds: number;
  /** The task that waited for it longest. */
  longest: { task: string; seconds: number };
}

/**
 * What a ready task of a run waits for now: the limit, and for a rate window
 * or a Retry-After the seconds until it frees and when (ms since the epoch).
 */
export type WaitingNow = Pick<LimitWait, 'limit' | 'name' | 'capacity' | 'per'> & { freesIn?: number; freesAt?: number };

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Waits by blocker key (WaitTally) as limits, most waited for first: each
 * task's wait goes to what held it back (what it was last parked on, else a
 * free slot).
 */
export function limitWaits(waits: ReadonlyMap<string, ReadonlyMap<number, number>>, limits: Limits, tasks: readonly QueueTask[], ids: readonly string[]): LimitWait[] {
  const out: LimitWait[] = [];
  for (const [key, byTask] of waits) {
    const limit = blockerLimit(key, limits, tasks, byTask.keys().next().value!);
    if (!limit) continue;
    let seconds = 0;
    let longest = { task: '', seconds: -1 };
    for (const [task, waited] of byTask) {
      seconds += waited;
      if (waited > longest.seconds) longest = { task: ids[task]!, seconds: waited };
    }
    out.push({ ...limit, tasks: byTask.size, seconds: round(seconds), longest: { task: longest.task, seconds: round(longest.seconds) } });
  }
  return out.sort((a, b) => b.seconds - a.seconds);
}

/** The limit a blocker key names (`agent:x`, `resource:r`, `group:t`, `rate:x`, `hold:x`); a task of it tells a matrix's `maxParallel`. */
export function blockerLimit(key: string, limits: Limits, tasks: readonly QueueTask[], someTask: number): Pick<LimitWait, 'limit' | 'name' | 'capacity' | 'per'> | undefined {
  if (key === FREE_SLOT) return { limit: 'concurrency', name: null, capacity: limits.maxConcurrency };
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const name = key.slice(colon + 1);
  switch (kind) {
    case 'agent':
      return { limit: 'agent', name, capacity: limits.agents[name]! };
    case 'rate':
      return { limit: 'rate', name, capacity: limits.rates![name]!.requests, per: limits.rates![name]!.per };
    case 'resource':
      return { limit: 'resource', name, capacity: limits.resources[name] ?? 0 };
    case 'group':
      return { limit: 'maxParallel', name, capacity: tasks[someTask]!.group!.max };
    case 'hold':
      return { limit: 'hold', name };
    default:
      return undefined;
  }
}
