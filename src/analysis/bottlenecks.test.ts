import { describe, expect, it } from 'vitest';
import type { StatsRow } from '../store/stats.js';
import { load } from '../workflow/test-helpers.js';
import { findBottlenecks } from './bottlenecks.js';

/** A stats row of `runs` runs, with successful durations `samples`. */
function row(name: string, runs: number, samples: number[], more: Partial<StatsRow> = {}): StatsRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const p95 = sorted.length ? sorted[Math.ceil(0.95 * sorted.length) - 1]! : null;
  return {
    name, workflow: 'workflow', runs, successRate: samples.length / runs, retriesPerRun: 0,
    duration: { mean: null, p50: null, p95, p99: null }, queueWait: { mean: null, p95: null }, costPerRun: 0, samples, ...more,
  };
}

const workflow = load(`version: 1
agents:
  api: { command: cat, rateLimit: { requests: 10, per: 1m } }
  free: { command: cat }
tasks:
  close: { run: "true", timeout: 10s }
  roomy: { run: "true", timeout: 10s }
  hang: { run: "true", timeout: 1m, retry: { maxAttempts: 2 } }
`).workflow!;

const kinds = (found: ReturnType<typeof findBottlenecks>, kind: string) => found.filter((f) => f.kind === kind);

describe('bottleneck findings', () => {
  it('warns of a task whose successes take 80% of its timeout or more, and names one that hit it', () => {
    const found = findBottlenecks({
      workflow,
      tasks: [
        row('close', 3, [7, 8.5, 9]),
        row('roomy', 3, [7, 7.5, 7.9]),
        row('hang', 4, [30, 31], { retriesPerRun: 0.5, timedOut: 3, successRate: 0.5 }),
      ],
      agents: [],
    });
    expect(kinds(found, 'timing-out')).toEqual([
      { kind: 'timing-out', severity: 'high', subject: 'hang', reason: '`hang` hit its timeout (1m00s) in 3 of its 6 attempts', suggestion: 'raise `hang`\'s timeout if it needs longer, or find why it hangs: orchestrate logs --task hang' },
      { kind: 'timing-out', severity: 'low', subject: 'close', reason: '`close` takes up to 9s (p95 of its successes) of its timeout (10s)', suggestion: 'raise `close`\'s timeout before a slower run cuts it off' },
    ]);
    // Without the workflow its timeout is not known: only what hit it is said.
    const blind = findBottlenecks({ tasks: [row('close', 3, [7, 8.5, 9]), row('hang', 4, [30, 31], { retriesPerRun: 0.5, timedOut: 3 })], agents: [] });
    expect(kinds(blind, 'timing-out').map((f) => f.reason)).toEqual(['`hang` hit its timeout in 3 of its 6 attempts']);
    // One timeout is not a pattern; two samples are too few to warn of.
    expect(kinds(findBottlenecks({ workflow, tasks: [row('hang', 4, [30], { timedOut: 1 }), row('close', 2, [9, 9])], agents: [] }), 'timing-out')).toEqual([]);
  });

  it('names a task that dominates the critical path, unless its time there is noise', () => {
    const chain = load('version: 1\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a }\n  c: { run: "true", needs: b }\n').workflow!;
    const found = (seconds: number[]) => kinds(findBottlenecks({ workflow: chain, history: new Map(['a', 'b', 'c'].map((id, i) => [id, seconds[i]!])), tasks: [], agents: [] }), 'critical-path');
    expect(found([2, 1, 0.5]).map((f) => [f.subject, f.severity, f.reason])).toEqual([['a', 'high', '`a` is 57% of the critical path (2s of 3.5s)']]);
    // A 30 ms workflow: splitting its 20 ms task would gain nothing anyone could see.
    expect(found([0.02, 0.01, 0.005])).toEqual([]);
    // A run the slots hold up: 20 one-second tasks beside the chain, two at a time, take 10 s whatever the 2.5 s path does.
    const crowded = load(`version: 1\npolicy: { maxConcurrency: 2 }\ntasks:\n  a: { run: "true" }\n  b: { run: "true", needs: a }\n${Array.from({ length: 20 }, (_, i) => `  w${i}: { run: "true" }\n`).join('')}`).workflow!;
    const history = new Map([['a', 2], ['b', 0.5], ...Array.from({ length: 20 }, (_, i): [string, number] => [`w${i}`, 1])]);
    const all = findBottlenecks({ workflow: crowded, history, tasks: [], agents: [] });
    expect(kinds(all, 'critical-path')).toEqual([]);
    expect(kinds(all, 'queue-wait').map((f) => f.subject)).toEqual(['policy.maxConcurrency']);
    // Raising the slots past this machine's CPUs helps tasks that wait on other machines only, and says so.
    const suggested = (cpus: number) => kinds(findBottlenecks({ workflow: crowded, history, tasks: [], agents: [], cpus }), 'queue-wait')[0]!.suggestion;
    expect(suggested(8)).toMatch(/^raise `policy\.maxConcurrency` from 2 to 3: estimated wall time \S+ -> \S+$/);
    expect(suggested(2)).toMatch(/-> \S+ \(if its tasks wait on other machines, as agents calling an API do: this machine has 2 CPUs, which tasks that keep one busy each would share\)$/);
  });

  it('names a task that is most of the cost of a run of its workflow, and standing out: not one of two that cost alike', () => {
    const of = (workflow: string, name: string, costPerRun: number) => ({ ...row(name, 3, [1]), workflow, costPerRun });
    const found = findBottlenecks({ tasks: [of('one', 'a', 1), of('one', 'b', 1), of('two', 'x', 10), of('two', 'y', 1), of('two', 'free', 0), of('three', 'big', 6), of('three', 's1', 1), of('three', 's2', 1), of('three', 's3', 1), of('three', 's4', 1)], agents: [] });
    expect(kinds(found, 'budget-hog').map((f) => [f.workflow, f.subject, f.severity, f.reason])).toEqual([
      ['two', 'x', 'high', '`x` is 91% of the cost of a run (10 of 11)'],
      ['three', 'big', 'high', '`big` is 60% of the cost of a run (6 of 10)'],
    ]);
  });

  it('names an agent its API refused with a Retry-After, and lowers or sets its rate limit', () => {
    const found = findBottlenecks({
      workflow,
      tasks: [],
      agents: [row('api', 10, [1], { retriesPerRun: 0.2, retryAfter: { attempts: 2, seconds: 90 } }), row('free', 4, [1], { retriesPerRun: 1, retryAfter: { attempts: 4, seconds: 8 } }), row('calm', 4, [1], { retryAfter: { attempts: 1, seconds: 1 } })],
    });
    expect(kinds(found, 'rate-limited')).toEqual([
      { kind: 'rate-limited', severity: 'high', subject: 'free', reason: 'the API of `free` refused 4 of its 8 attempts with a Retry-After, holding it 8s in all', suggestion: 'set `free.rateLimit` to its API\'s quota (`{ requests: N, per: 1m }`): its tasks then wait in the queue instead of spending attempts on refusals' },
      { kind: 'rate-limited', severity: 'medium', subject: 'api', reason: 'the API of `api` refused 2 of its 12 attempts with a Retry-After, holding it 1m30s in all', suggestion: 'lower `api.rateLimit` (now 10 per 1m) to what its API allows: its tasks then wait in the queue instead of spending attempts on refusals' },
    ]);
  });

  it('names a task whose reported cost is half or twice what it declares, or more', () => {
    const priced = load(`version: 1
agents:
  llm: { command: cat, cost: 0.01 }
tasks:
  cheap: { agent: llm }
  near: { agent: llm }
  free: { run: "true" }
  over: { run: "true", cost: 1 }
`).workflow!;
    const found = findBottlenecks({
      workflow: priced,
      tasks: [
        row('cheap', 4, [1], { costPerRun: 0.1, retriesPerRun: 1 }),
        row('near', 4, [1], { costPerRun: 0.015 }),
        row('free', 4, [1], { costPerRun: 0.2 }),
        row('over', 4, [1], { costPerRun: 0.4 }),
        row('once', 1, [1], { costPerRun: 9 }),
      ],
      agents: [],
    });
    expect(kinds(found, 'cost-drift').map((f) => [f.subject, f.severity, f.reason, f.suggestion])).toEqual([
      ['cheap', 'medium', '`cheap` cost 0.05 an attempt over its 4 runs, as recorded (reported, else declared then), against the 0.01 it declares', 'set the cost of `cheap` (or of its agent `llm`) to about 0.05: a plan without this history (a fresh checkout) counts the declared one'],
      ['free', 'medium', '`free` cost 0.2 an attempt over its 4 runs, as recorded (reported, else declared then), against the 0 it declares', 'set the cost of `free` to about 0.2: a plan without this history (a fresh checkout) counts the declared one'],
      ['over', 'low', '`over` cost 0.4 an attempt over its 4 runs, as recorded (reported, else declared then), against the 1 it declares', 'set the cost of `over` to about 0.4: a plan without this history (a fresh checkout) counts the declared one'],
    ]);
    // Under a budget, a cost above what is declared lets the budget check start what it cannot pay for.
    const budgeted = { ...priced, policy: { ...priced.policy, costBudget: 5 } };
    expect(kinds(findBottlenecks({ workflow: budgeted, tasks: [row('cheap', 4, [1], { costPerRun: 0.1, retriesPerRun: 1 })], agents: [] }), 'cost-drift')[0]).toMatchObject({ severity: 'high', suggestion: expect.stringContaining('the budget check counts the declared one, as does a plan without this history (a fresh checkout)') });
    // Without the workflow, nothing is declared to compare with.
    expect(kinds(findBottlenecks({ tasks: [row('cheap', 4, [1], { costPerRun: 0.1 })], agents: [] }), 'cost-drift')).toEqual([]);
  });

  it('names a task whose successes take twice its written estimate or half of it, or further off', () => {
    const estimated = load(`version: 1
agents:
  llm: { command: cat, estimate: 10s }
tasks:
  build: { run: "true", estimate: 30s }
  review: { agent: llm }
  near: { run: "true", estimate: 10s }
  tiny: { run: "true", estimate: 0.1s }
  guessed: { run: "true" }
  test: { run: "true", estimate: 1s, matrix: { shard: [1, 2] } }
`).workflow!;
    const found = findBottlenecks({
      workflow: estimated,
      tasks: [
        row('build', 3, [100, 130, 200]),
        row('review', 4, [4, 4, 5, 6]),
        row('near', 3, [15, 18, 19]),
        row('tiny', 3, [0.4, 0.4, 0.5]),
        row('guessed', 3, [60, 60, 60]),
        row('test[1]', 2, [2.5, 3]),
        row('test[2]', 1, [4]),
      ],
      agents: [],
    });
    expect(kinds(found, 'estimate-drift').map((f) => [f.subject, f.severity, f.reason, f.suggestion])).toEqual([
      ['build', 'medium', '`build` takes 2m10s (the median of its 3 successes) against the 30s written for it', 'set the estimate of `build` to about 2m10s: `graph`, and a plan without this history (a fresh checkout in CI), go by the written one'],
      ['test', 'medium', '`test` takes 3s (the median of its 3 successes, its expansions together) against the 1s written for it', 'set the estimate of `test` to about 3s: `graph`, and a plan without this history (a fresh checkout in CI), go by the written one'],
      ['review', 'low', '`review` takes 4s (the median of its 4 successes) against the 10s written for it (its agent `llm`\'s)', 'set the estimate of `review` (or of its agent `llm`) to about 4s: `graph`, and a plan without this history (a fresh checkout in CI), go by the written one'],
    ]);
    // Too few successes, or without the workflow: nothing to compare with.
    expect(kinds(findBottlenecks({ workflow: estimated, tasks: [row('build', 2, [100, 130])], agents: [] }), 'estimate-drift')).toEqual([]);
    expect(kinds(findBottlenecks({ tasks: [row('build', 3, [100, 130, 200])], agents: [] }), 'estimate-drift')).toEqual([]);
  });

  it('does not call flaky a task whose every retry its API refused, and which always succeeded', () => {
    const refused = row('ask', 4, [1, 1, 1, 1], { retriesPerRun: 1, retryAfter: { attempts: 4, seconds: 4 } });
    const flaky = row('shaky', 4, [1, 1, 1, 1], { retriesPerRun: 1, retryAfter: { attempts: 1, seconds: 1 } });
    expect(kinds(findBottlenecks({ tasks: [refused, flaky], agents: [] }), 'flaky').map((f) => f.subject)).toEqual(['shaky']);
  });
});
