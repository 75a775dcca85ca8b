import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../util/duration.js';
import { load } from '../workflow/test-helpers.js';
import { planWorkflow, type Plan } from './plan.js';

function plan(yaml: string, options: Parameters<typeof planWorkflow>[1] = {}): Plan {
  const result = load(yaml);
  if (!result.workflow) throw new Error(JSON.stringify(result.diagnostics));
  return planWorkflow(result.workflow, options);
}

const starts = (p: Plan) => Object.fromEntries(p.tasks.map((t) => [t.id, t.start]));

describe('planWorkflow', () => {
  it('groups tasks into topological batches', () => {
    const p = plan('version: 1\ntasks:\n  a: { run: x }\n  b: { run: x, needs: a }\n  c: { run: x, needs: a }\n  d: { run: x, needs: [b, c] }\n  e: { run: x }\n');
    expect(p.batches).toEqual([['a', 'e'], ['b', 'c'], ['d']]);
    expect(p.tasks.map((t) => t.batch)).toEqual([0, 1, 1, 2, 0]);
  });

  it('finds the critical path and its duration', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 4 }\ntasks:\n  a: { run: x, estimate: 1s }\n  b: { run: x, needs: a, estimate: 5s }\n  c: { run: x, needs: a, estimate: 2s }\n  d: { run: x, needs: [b, c], estimate: 1s }\n');
    expect(p.criticalPath).toEqual({ tasks: ['a', 'b', 'd'], duration: 7 });
    expect(p.tasks.filter((t) => t.critical).map((t) => t.id)).toEqual(['a', 'b', 'd']);
    expect(p.estimate).toMatchObject({ serial: 9, wall: 7, lowerBound: 7, levelBatched: 7 });
    expect(p.estimate.speedup).toBeCloseTo(9 / 7, 3);
  });

  it('names the source of every estimate, history over the rest', () => {
    const p = plan('version: 1\nagents:\n  w: { command: x, estimate: 3m }\n  v: { command: y }\ntasks:\n  a: { run: x, estimate: 2s }\n  b: { agent: w }\n  c: { agent: v }\n  d: { run: x }\n  e: { run: x, estimate: 1s }\n', { history: new Map([['e', 4]]) });
    expect(p.tasks.map((t) => [t.id, t.estimate, t.estimateSource])).toEqual([
      ['a', 2, 'declared'], ['b', 180, 'agent'], ['c', 60, 'default'], ['d', 10, 'default'], ['e', 4, 'history'],
    ]);
  });

  it('plans the retry time history saw on top of the estimate, and none for a task that does not run', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 2 }\ntasks:\n  a: { run: x, estimate: 1s }\n  b: { run: x, estimate: 1s }\n  c: { run: x, needs: [a, b], estimate: 1s }\n  d: { run: x, estimate: 1s }\n', {
      retryTimes: new Map([['a', 0.0003], ['b', 2], ['d', 5]]),
      upToDate: new Set(['d']),
    });
    const byId = Object.fromEntries(p.tasks.map((t) => [t.id, t]));
    expect(byId.b).toMatchObject({ estimate: 1, retryTime: 2, start: 0, end: 3, critical: true });
    // Under half a millisecond rounds to none; an up-to-date task takes no time, retries or not.
    expect(byId.a.retryTime).toBeUndefined();
    expect(byId.d).toMatchObject({ estimate: 0, estimateSource: 'up-to-date' });
    expect(byId.d.retryTime).toBeUndefined();
    expect(p.criticalPath).toEqual({ tasks: ['b', 'c'], duration: 4 });
    expect(p.estimate).toMatchObject({ serial: 5, wall: 4 });
  });

  it('critical-path fairness starts the task with the longest remaining path first', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 1 }\ntasks:\n  z: { run: x, estimate: 5s }\n  x: { run: x, estimate: 1s }\n  y: { run: x, needs: x, estimate: 10s }\n');
    expect(starts(p)).toEqual({ x: 0, y: 1, z: 11 });
  });

  it('shortest-first fairness starts the shortest ready task first', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 1, fairness: shortest-first }\ntasks:\n  a: { run: x, estimate: 3s }\n  b: { run: x, estimate: 1s }\n  c: { run: x, estimate: 2s }\n');
    expect(starts(p)).toEqual({ a: 3, b: 0, c: 1 });
  });

  it('fifo fairness starts tasks in the order they became ready', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 1, fairness: fifo }\ntasks:\n  a: { run: x, estimate: 1s }\n  b: { run: x, estimate: 5s }\n  c: { run: x, needs: a, estimate: 1s }\n  d: { run: x, estimate: 1s }\n');
    // c becomes ready at 1s, after b and d were queued at 0s.
    expect(starts(p)).toEqual({ a: 0, b: 1, d: 6, c: 7 });
  });

  it('round-robin fairness alternates between agents', () => {
    const p = plan(`version: 1
policy: { maxConcurrency: 1, fairness: round-robin }
agents: { A: { command: a, estimate: 1s }, B: { command: b, estimate: 1s } }
tasks:
  a1: { agent: A }
  a2: { agent: A }
  a3: { agent: A }
  b1: { agent: B }
  b2: { agent: B }
  s1: { run: x, estimate: 1s }
`);
    const order = [...p.tasks].sort((x, y) => x.start - y.start).map((t) => t.id);
    expect(order).toEqual(['a1', 'b1', 's1', 'a2', 'b2', 'a3']);
  });

  it('priority goes before any fairness rule', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 1, fairness: shortest-first }\ntasks:\n  a: { run: x, estimate: 1s }\n  b: { run: x, estimate: 9s, priority: critical }\n  c: { run: x, estimate: 2s, priority: low }\n');
    expect(starts(p)).toEqual({ b: 0, a: 9, c: 10 });
  });

  it('respects per-agent concurrency while other tasks fill the free slots', () => {
    const p = plan(`version: 1
policy: { maxConcurrency: 4 }
agents: { w: { command: x, concurrency: 1, estimate: 1s } }
tasks:
  w1: { agent: w }
  w2: { agent: w }
  w3: { agent: w }
  s1: { run: x, estimate: 2s }
  s2: { run: x, estimate: 2s }
`);
    expect(starts(p)).toEqual({ w1: 0, w2: 1, w3: 2, s1: 0, s2: 0 });
    expect(p.estimate.wall).toBe(3);
  });

  it('respects resource capacities', () => {
    const p = plan(`version: 1
policy: { maxConcurrency: 3 }
resources: { gpu: 1, api: 3 }
tasks:
  g1: { run: x, estimate: 2s, resources: { gpu: 1 } }
  g2: { run: x, estimate: 2s, resources: { gpu: 1 } }
  a1: { run: x, estimate: 1s, resources: { api: 2 } }
  a2: { run: x, estimate: 1s, resources: { api: 2 } }
`);
    expect(starts(p)).toEqual({ g1: 0, g2: 2, a1: 0, a2: 1 });
    expect(p.estimate.wall).toBe(4);
  });

  it('shows what dynamic scheduling wins over level-by-level batches', () => {
    const p = plan('version: 1\npolicy: { maxConcurrency: 2 }\ntasks:\n  a: { run: x, estimate: 1s }\n  b: { run: x, estimate: 5s }\n  c: { run: x, needs: a, estimate: 1s }\n');
    expect(p.estimate).toMatchObject({ wall: 5, levelBatched: 6, lowerBound: 5, serial: 7 });
  });

  it('uses --concurrency over the policy, and bounds by work / concurrency', () => {
    const yaml = 'version: 1\npolicy: { maxConcurrency: 1 }\ntasks:\n  a: { run: x, estimate: 2s }\n  b: { run: x, estimate: 2s }\n  c: { run: x, estimate: 2s }\n';
    expect(plan(yaml).estimate.wall).toBe(6);
    const wide = plan(yaml, { concurrency: 2 });
    expect(wide.concurrency).toBe(2);
    expect(wide.estimate).toMatchObject({ wall: 4, lowerBound: 3 });
  });

  it('warns when the estimated cost exceeds the budget', () => {
    const p = plan('version: 1\npolicy: { costBudget: 1 }\ntasks:\n  a: { run: x, cost: 0.75 }\n  b: { run: x, cost: 0.5 }\n');
    expect(p.estimate.cost).toBe(1.25);
    expect(p.budget).toEqual({ limit: 1, fits: false });
    expect(p.warnings[0]).toContain('exceeds the budget of 1');
  });

  it('warns when the planned run goes past the workflow timeout, naming the tasks it would stop', () => {
    const yaml = (timeout: string) => `version: 1\npolicy: { maxConcurrency: 1, timeout: ${timeout} }\ntasks:\n  a: { run: x, estimate: 15s }\n  b: { run: x, estimate: 15s }\n  c: { run: x, needs: [a, b], estimate: 1s }\n  rollback: { run: x, needs: c, if: failure, estimate: 1h }\n  clean: { run: x, needs: c, if: always, runOnInterrupt: true, estimate: 10s }\n`;
    const late = plan(yaml('20s'));
    expect(late.estimate.wall).toBe(41);
    expect(late.deadline).toEqual({ limit: 20, fits: false, late: ['b', 'c'] });
    expect(late.warnings).toEqual(['the planned wall time 41s is past the workflow timeout of 20s: the run would be stopped then, and fail, with 2 tasks not done (b, c)']);
    // Cleanup the deadline does not bound may end after it; a task planned to end at it is in time.
    const inTime = plan(yaml('31s'));
    expect(inTime.deadline).toEqual({ limit: 31, fits: true, late: [] });
    expect(inTime.warnings).toEqual([]);
    expect(plan('version: 1\ntasks:\n  a: { run: x }\n').deadline).toEqual({ limit: null, fits: true, late: [] });
  });

  it('says when agent tasks wait for the default limit, the CPU count: tasks that wait on an API may run more at once', () => {
    const cpus = availableParallelism();
    const tasks = (kind: string) => Array.from({ length: cpus * 3 }, (_, i) => `  t${i}: { ${kind}, estimate: 10s }`).join('\n');
    const agents = `version: 1\nagents:\n  llm: { command: x }\ntasks:\n${tasks('agent: llm')}\n`;
    const p = plan(agents);
    expect(p.concurrency).toBe(cpus);
    expect(p.warnings).toEqual([`agent tasks wait ${formatDuration(cpus * 30)} in all for concurrency ${cpus}, this machine's CPU count (policy.maxConcurrency's default); tasks that wait on an API rather than a CPU may run more at once: set policy.maxConcurrency (a number, or a share of the CPUs such as "400%"), or pass -n`]);
    // A limit chosen (in the file, or with -n) is not questioned; nor is the default for shell tasks, which use the CPUs.
    expect(plan(agents.replace('agents:', 'policy: { maxConcurrency: "100%" }\nagents:')).warnings).toEqual([]);
    expect(plan(agents, { concurrency: cpus }).warnings).toEqual([]);
    expect(plan(`version: 1\ntasks:\n${tasks('run: x')}\n`).warnings).toEqual([]);
  });

  describe('a matrix from outputs with expansions recorded', () => {
    const fanOut = `version: 1
policy: { maxConcurrency: 3 }
agents:
  reviewer: { command: ./review.sh, concurrency: 2, estimate: 5s }
tasks:
  find: { run: ls, captureStdout: files, estimate: 1s }
  review:
    needs: find
    matrix:
      file: \${{ tasks.find.outputs.files }}
    agent: reviewer
    prompt: Review \${{ matrix.file }}
  lint: { run: x, estimate: 2s }
  summarize: { run: x, needs: [review, lint], estimate: 1s }
`;
    const recorded = new Map([['review', { run: 'r1', ids: ['review[a.ts]', 'review[b.ts]', 'review[c.ts]'] }]]);

    it('plans it as those tasks, each with its own history, under its agent\'s limit, and what needs it after them all', () => {
      const p = plan(fanOut, { expansions: recorded, history: new Map([['review[a.ts]', 4], ['review[b.ts]', 3]]) });
      expect(p.tasks.map((t) => [t.id, t.estimate, t.estimateSource])).toEqual([
        ['find', 1, 'declared'], ['review[a.ts]', 4, 'history'], ['review[b.ts]', 3, 'history'], ['review[c.ts]', 5, 'agent'], ['lint', 2, 'declared'], ['summarize', 1, 'declared'],
      ]);
      expect(p.tasks.find((t) => t.id === 'summarize')!.needs).toEqual(['review[a.ts]', 'review[b.ts]', 'review[c.ts]', 'lint']);
      // Two reviews at a time: c (5 s) starts first, with a (4 s); b once a has ended.
      expect(starts(p)).toEqual({ find: 0, 'review[c.ts]': 1, 'review[a.ts]': 1, lint: 0, 'review[b.ts]': 5, summarize: 8 });
      expect(p.estimate).toMatchObject({ serial: 16, wall: 9 });
      // b waits for a global slot while lint holds one, then for the agent.
      expect(p.waits.map((w) => [w.limit, w.name, w.tasks, w.seconds])).toEqual([['agent', 'reviewer', 1, 3], ['concurrency', null, 1, 1]]);
      expect(p.warnings).toEqual(['task "review" expands when the run gets there (its matrix comes from ${{ tasks.find.outputs.files }}): planned as the 3 expansions it had in run r1']);
      // Without them: one task at the agent's estimate, and what that says.
      const once = plan(fanOut);
      expect(once.tasks.map((t) => t.id)).toEqual(['find', 'review', 'lint', 'summarize']);
      expect(once.estimate).toMatchObject({ serial: 9, wall: 7 });
      expect(once.warnings).toEqual(['task "review" expands when the run gets there (its matrix comes from ${{ tasks.find.outputs.files }}): planned as one task']);
    });

    it('shares the global slots with the other tasks, where one task for all of them took one', () => {
      const two = fanOut.replace('maxConcurrency: 3', 'maxConcurrency: 2');
      const p = plan(two, { expansions: recorded, history: new Map([['review[a.ts]', 4], ['review[b.ts]', 3]]) });
      // lint holds a slot until 2 s: one review at a time until then, and two after.
      expect(starts(p)).toEqual({ find: 0, lint: 0, 'review[c.ts]': 1, 'review[a.ts]': 2, 'review[b.ts]': 6, summarize: 9 });
      expect(p.estimate.wall).toBe(10);
      expect(p.waits.map((w) => [w.limit, w.tasks, w.seconds])).toEqual([['concurrency', 2, 6]]);
      expect(plan(two).estimate.wall).toBe(7);
    });

    it('keeps it one task when it will not run, or has no expansions recorded', () => {
      for (const [options, source] of [[{ reused: new Set(['review']) }, 'reused'], [{ upToDate: new Set(['review']) }, 'up-to-date']] as const) {
        const p = plan(fanOut, { ...options, expansions: recorded });
        expect(p.tasks[1]).toMatchObject({ id: 'review', estimateSource: source });
        expect(p.warnings).toEqual([]);
      }
      expect(plan(fanOut.replace('    agent: reviewer', '    when: inputs.go\n    agent: reviewer').replace('version: 1', 'version: 1\ninputs: { go: { type: boolean, default: false } }'), { expansions: recorded }).tasks[1]).toMatchObject({ id: 'review', estimateSource: 'condition' });
      expect(plan(fanOut, { expansions: new Map([['review', { run: 'r1', ids: [] }]]) }).tasks[1]!.id).toBe('review');
      // Expansions a resume reuses take no time.
      const resumed = plan(fanOut, { expansions: recorded, reused: new Set(['find', 'review[a.ts]']) });
      expect(resumed.tasks.slice(0, 3).map((t) => [t.id, t.estimateSource, t.estimate])).toEqual([['find', 'reused', 0], ['review[a.ts]', 'reused', 0], ['review[b.ts]', 'agent', 5]]);
    });
  });
});
