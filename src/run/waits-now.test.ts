import { describe, expect, it } from 'vitest';
import { Capacity } from '../plan/capacity.js';
import { ReadyQueue, type QueueTask } from '../plan/ready-queue.js';
import { WaitTally } from '../plan/wait-tally.js';
import { WaitsNow } from './waits-now.js';

describe('WaitsNow', () => {
  it('names what each parked task waits for, counts them by limit, and says when a rate window frees', () => {
    let now = 0;
    const task = (agent: string, rank: number): QueueTask => ({ agent, resources: {}, priority: 'medium', estimate: 1, rank });
    const tasks = [task('solo', 9), task('solo', 8), task('solo', 7), task('llm', 6), task('llm', 5)];
    const capacity = new Capacity({ maxConcurrency: 8, agents: { solo: 1 }, resources: {}, rates: { llm: { requests: 1, per: 10 } } }, () => now);
    const tally = new WaitTally();
    const queue = new ReadyQueue(tasks, 'critical-path', (t, blocker) => tally.parked(t, blocker, now));
    const ids = ['s1', 's2', 's3', 'l1', 'l2'];
    const waits = new WaitsNow({ queue, capacity, tally, scheduling: tasks, taskIndex: new Map(ids.map((id, i) => [id, i])), now: () => now * 1000 });
    tasks.forEach((_, i) => {
      queue.push(i, 0);
      tally.ready(i, 0);
    });
    for (let t = queue.take(capacity); t !== undefined; t = queue.take(capacity)) {
      capacity.acquire(tasks[t]!);
      tally.started(t, now);
    }
    now = 4;
    expect(waits.of('s1')).toBeUndefined();
    expect(waits.of('s2')).toEqual({ limit: 'agent', name: 'solo', capacity: 1 });
    expect(waits.of('l2')).toEqual({ limit: 'rate', name: 'llm', capacity: 1, per: 10, freesIn: 6, freesAt: 10_000 });
    expect(waits.of('nope')).toBeUndefined();
    expect(waits.all()).toEqual([{ limit: 'agent', name: 'solo', capacity: 1, tasks: 2 }, { limit: 'rate', name: 'llm', capacity: 1, per: 10, freesIn: 6, freesAt: 10_000, tasks: 1 }]);
    // Once the window has room, a rate says no time.
    now = 10;
    expect(waits.of('l2')).toEqual({ limit: 'rate', name: 'llm', capacity: 1, per: 10 });
  });
});
