import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/util/random.js';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { isAlive } from '../helpers/processes.js';
import { runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';

// Seeded random workflows, run for real: whatever the mix of needs, `if`, failures,
// retries, continueOnError, cancellation modes and limits, the run keeps its invariants.
const validateEvent = validator('events');
const validateResult = validator('result');
const TERMINAL = /^task\.(succeeded|failed|skipped|cancelled)$/;

interface Spec {
  id: string;
  needs: string[];
  if: 'success' | 'failure' | 'always';
  fails: boolean;
  flaky: boolean;
  continueOnError: boolean;
  maxAttempts: number;
  /** Its `when` condition's value, if it has one. */
  when?: boolean;
}

function randomWorkflow(seed: number): { yaml: string; specs: Spec[]; concurrency: number } {
  const rnd = seededRandom(seed);
  // Conditions draw from their own generator, so the rest of each seed's workflow stays as it was.
  const conditions = seededRandom(seed + 5000);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const n = 8 + Math.floor(rnd() * 10);
  const concurrency = 1 + Math.floor(rnd() * 4);
  const specs: Spec[] = [];
  for (let i = 0; i < n; i++) {
    const needs = new Set<string>();
    if (i > 0) for (let k = Math.floor(rnd() * 3); k > 0; k--) needs.add(`t${Math.floor(rnd() * i)}`);
    specs.push({
      id: `t${i}`,
      needs: [...needs],
      if: needs.size ? pick(['success', 'success', 'success', 'failure', 'always'] as const) : 'success',
      fails: rnd() < 0.2,
      flaky: rnd() < 0.2,
      continueOnError: rnd() < 0.2,
      maxAttempts: 1 + Math.floor(rnd() * 3),
      when: conditions() < 0.25 ? conditions() < 0.5 : undefined,
    });
  }
  const lines = ['version: 1', `name: random-${seed}`, 'inputs: { go: { default: "yes" } }', `policy: { maxConcurrency: ${concurrency}, cancellation: ${pick(['isolated', 'cascading'])}, retry: { delay: 10ms } }`, 'tasks:'];
  for (const s of specs) {
    // A flaky task fails its first attempt only; a failing one always fails.
    const command = s.fails ? 'sleep 0.02; exit 3' : s.flaky ? 'sleep 0.02; [ "$ORCHESTRATE_ATTEMPT" -gt 1 ]' : `sleep 0.0${1 + Math.floor(rnd() * 5)}`;
    lines.push(`  ${s.id}:`, `    run: '${command}'`, `    retry: { maxAttempts: ${s.maxAttempts} }`);
    if (s.needs.length) lines.push(`    needs: [${s.needs.join(', ')}]`);
    if (s.if !== 'success') lines.push(`    if: ${s.if}`);
    if (s.continueOnError) lines.push('    continueOnError: true');
    if (s.when !== undefined) lines.push(`    when: inputs.go == '${s.when ? 'yes' : 'no'}'`);
  }
  return { yaml: `${lines.join('\n')}\n`, specs, concurrency };
}

describe('random workflows keep the run invariants', () => {
  for (let seed = 1; seed <= Number(process.env.PROPERTY_SEEDS ?? 20); seed++) {
    it(`seed ${seed}`, () => {
      const { yaml, specs, concurrency } = randomWorkflow(seed);
      const r = runProject({ 'workflow.yaml': yaml });
      const events = r.events;
      for (const e of events) expect(validateEvent(e), JSON.stringify(e)).toBe(true);

      // Exactly one terminal event per task, matching the result.
      const terminal = new Map<string, any>();
      for (const e of events.filter((x: any) => TERMINAL.test(x.type))) {
        expect(terminal.has(e.taskId), `${e.taskId} ended twice`).toBe(false);
        terminal.set(e.taskId, e);
      }
      expect([...terminal.keys()].sort()).toEqual(specs.map((s) => s.id).sort());
      for (const s of specs) expect(task(r.result, s.id).status).toBe(terminal.get(s.id).type.slice(5));

      // Walk the stream in order: no start before every need has ended, never more running than allowed.
      const ended = new Set<string>();
      const running = new Set<string>();
      const starts = new Map<string, number>();
      for (const e of events) {
        if (e.type === 'task.started') {
          const spec = specs.find((s) => s.id === e.taskId)!;
          for (const need of spec.needs) expect(ended.has(need), `${e.taskId} started before ${need} ended`).toBe(true);
          running.add(e.taskId);
          starts.set(e.taskId, (starts.get(e.taskId) ?? 0) + 1);
          expect(running.size).toBeLessThanOrEqual(concurrency);
        } else if (e.type === 'task.retrying') {
          running.delete(e.taskId);
        } else if (TERMINAL.test(e.type)) {
          running.delete(e.taskId);
          ended.add(e.taskId);
        }
      }

      // The result validates, and its waits add up to the tasks' queue waits (each counted once; rounding aside).
      expect(validateResult(r.result), JSON.stringify(validateResult.errors)).toBe(true);
      const counted = r.result.waits.reduce((sum: number, w: any) => sum + w.seconds, 0);
      const waited = r.result.tasks.reduce((sum: number, t: any) => sum + t.queueWaitMs, 0) / 1000;
      expect(Math.abs(counted - waited), `waits ${counted} against queue waits ${waited}`).toBeLessThanOrEqual(0.001 * (specs.length + r.result.waits.length));

      const status = (id: string) => task(r.result, id).status as string;
      const specOf = (id: string) => specs.find((x) => x.id === id)!;
      // Touched by a failure (the README's rule for if: failure): failed for real, cancelled by one,
      // or skipped because a need was.
      const tainted = (id: string): boolean => {
        const st = status(id);
        if (st === 'failed') return !specOf(id).continueOnError;
        if (st === 'cancelled') return true;
        return st === 'skipped' && specOf(id).if === 'success' && specOf(id).needs.some(tainted);
      };
      const countsAsSuccess = (id: string) => status(id) === 'succeeded' || (status(id) === 'failed' && specs.find((s) => s.id === id)!.continueOnError);
      for (const s of specs) {
        const ran = starts.get(s.id) ?? 0;
        expect(ran, `${s.id} attempts`).toBeLessThanOrEqual(s.maxAttempts);
        expect(task(r.result, s.id).attempts).toBe(ran);
        if (status(s.id) === 'skipped') expect(ran, `${s.id} skipped but ran`).toBe(0);
        // Cleanup and notification tasks run whatever happened (cascading cancellation too).
        // What its `if` lets run, a false `when` skips as a choice (reason condition), not as a failure.
        const allowedByIf = s.if === 'always' || (s.if === 'failure' ? s.needs.some(tainted) : s.needs.every(countsAsSuccess));
        if (s.when === false) {
          expect(ran, `${s.id} ran with a false condition`).toBe(0);
          if (allowedByIf && status(s.id) !== 'cancelled') expect(task(r.result, s.id).reason, `${s.id} reason`).toBe('condition');
        }
        if (task(r.result, s.id).reason === 'condition') expect(s.when === false && allowedByIf, `${s.id} skipped for its condition`).toBe(true);
        if (s.if === 'always' && s.when !== false) expect(ran, `${s.id} (if: always) did not run`).toBeGreaterThan(0);
        if (s.if === 'failure' && s.needs.some(tainted) && s.when !== false) expect(ran, `${s.id} (if: failure) did not run after a failure`).toBeGreaterThan(0);
        if (task(r.result, s.id).reason === 'dependency-failed') expect(s.needs.some(tainted), `${s.id} skipped for a failure that is not there`).toBe(true);
        if (ran === 0) continue;
        // What ran was allowed to run by its `if`.
        if (s.if === 'success') for (const need of s.needs) expect(countsAsSuccess(need), `${s.id} ran after ${need} ${status(need)}`).toBe(true);
        if (s.if === 'failure') expect(s.needs.some(tainted), `${s.id} (if: failure) ran with no failure among its needs`).toBe(true);
        // A task that always fails never succeeds; a flaky one does not fail once it gets a second attempt
        // (it may still be cancelled by a cascading failure elsewhere).
        if (s.fails) expect(status(s.id)).not.toBe('succeeded');
        if (s.flaky && !s.fails && ran > 1) expect(status(s.id)).not.toBe('failed');
      }

      // The exit code follows the outcome.
      const failedForReal = specs.some((s) => status(s.id) === 'failed' && !s.continueOnError);
      expect(r.result.status).toBe(failedForReal ? 'failed' : 'succeeded');
      expect(r.code).toBe(failedForReal ? 1 : 0);
    });
  }
});

describe('random workflows keep agent limits, resource capacities and the cost budget', () => {
  for (let seed = 1; seed <= 10; seed++) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(1000 + seed);
      const n = 10 + Math.floor(rnd() * 10);
      const agents = { a: 1 + Math.floor(rnd() * 2), b: 1 + Math.floor(rnd() * 2) };
      const capacity = 2 + Math.floor(rnd() * 2);
      const budget = 5 + Math.floor(rnd() * 10);
      const tasks: Array<{ id: string; agent?: 'a' | 'b'; db: number; cost: number; needs: string[] }> = [];
      const lines = ['version: 1', `policy: { maxConcurrency: 4, costBudget: ${budget} }`, `resources: { db: ${capacity} }`, 'agents:'];
      // Agent b also has a rate limit: at most 2 starts in any 0.2 s.
      for (const [name, limit] of Object.entries(agents)) lines.push(`  ${name}: { command: 'sleep 0.0$(cat)', concurrency: ${limit}${name === 'b' ? ', rateLimit: { requests: 2, per: 200ms }' : ''} }`);
      lines.push('tasks:');
      for (let i = 0; i < n; i++) {
        const agent = rnd() < 0.6 ? (rnd() < 0.5 ? 'a' : 'b') : undefined;
        const db = Math.floor(rnd() * 3) === 0 ? 0 : 1 + Math.floor(rnd() * capacity);
        const cost = Math.floor(rnd() * 3);
        const needs = i > 0 && rnd() < 0.3 ? [`t${Math.floor(rnd() * i)}`] : [];
        tasks.push({ id: `t${i}`, agent, db, cost, needs });
        lines.push(`  t${i}:`, agent ? `    agent: ${agent}\n    prompt: "${1 + Math.floor(rnd() * 5)}"` : `    run: 'sleep 0.0${1 + Math.floor(rnd() * 5)}'`, `    cost: ${cost}`);
        if (db) lines.push(`    resources: { db: ${db} }`);
        if (needs.length) lines.push(`    needs: [${needs.join(', ')}]`);
      }
      const r = runProject({ 'workflow.yaml': `${lines.join('\n')}\n` });
      const byId = new Map(tasks.map((t) => [t.id, t]));
      const running = new Set<string>();
      for (const e of r.events) {
        if (e.type === 'task.started') running.add(e.taskId);
        else if (e.type === 'task.retrying' || TERMINAL.test(e.type)) running.delete(e.taskId);
        else continue;
        const now = [...running].map((id) => byId.get(id)!);
        for (const [name, limit] of Object.entries(agents)) expect(now.filter((t) => t.agent === name).length, `agent ${name} over its limit`).toBeLessThanOrEqual(limit);
        expect(now.reduce((sum, t) => sum + t.db, 0), 'db over capacity').toBeLessThanOrEqual(capacity);
        expect(running.size).toBeLessThanOrEqual(4);
      }
      const bStarts = r.events.filter((e: any) => e.type === 'task.started' && byId.get(e.taskId)!.agent === 'b').map((e: any) => Date.parse(e.ts));
      for (let i = 2; i < bStarts.length; i++) expect(bStarts[i]! - bStarts[i - 2]!, 'agent b over its rate limit').toBeGreaterThanOrEqual(190);
      // What was spent fits the budget; a task left out for it is skipped as `budget` and fails the run.
      expect(r.result.metrics.costSpent).toBeLessThanOrEqual(budget);
      const budgetSkips = r.result.tasks.filter((t: any) => t.reason === 'budget');
      for (const t of budgetSkips) expect(t.status).toBe('skipped');
      expect(r.result.status).toBe(budgetSkips.length ? 'failed' : 'succeeded');
      expect(r.result.tasks.filter((t: any) => t.status === 'succeeded').reduce((sum: number, t: any) => sum + t.cost, 0)).toBe(r.result.metrics.costSpent);
    });
  }
});

describe('random runs whose agents are told to come back later (Retry-After) keep the holds and end', () => {
  for (let seed = 1; seed <= Math.max(3, Number(process.env.PROPERTY_SEEDS ?? 20) / 4); seed++) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(7000 + seed);
      const n = 8 + Math.floor(rnd() * 8);
      // The agent's first attempt at a prompt "429:S" fails, asking to come back in S seconds.
      const lines = ['version: 1', `policy: { maxConcurrency: ${2 + Math.floor(rnd() * 3)} }`, 'agents:'];
      for (const name of ['a', 'b']) lines.push(`  ${name}: { command: sh ./api.sh, concurrency: ${1 + Math.floor(rnd() * 2)}, retry: { maxAttempts: 3, backoff: fixed, delay: 10ms } }`);
      lines.push('tasks:');
      const agentOf = new Map<string, string | undefined>();
      for (let i = 0; i < n; i++) {
        const agent = rnd() < 0.75 ? (rnd() < 0.5 ? 'a' : 'b') : undefined;
        agentOf.set(`t${i}`, agent);
        const prompt = rnd() < 0.35 ? `429:0.${2 + Math.floor(rnd() * 3)}` : `ok:${i}`;
        const needs = i > 0 && rnd() < 0.3 ? `, needs: [t${Math.floor(rnd() * i)}]` : '';
        lines.push(agent ? `  t${i}: { agent: ${agent}, prompt: "${prompt}"${needs} }` : `  t${i}: { run: "sleep 0.0${1 + Math.floor(rnd() * 5)}"${needs} }`);
      }
      const r = runProject({
        'api.sh': '#!/bin/sh\nprompt=$(cat)\ncase "$prompt" in 429:*) if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo "retry-after=${prompt#429:}" >> "$ORCHESTRATE_OUTPUT"; exit 75; fi;; esac\nsleep 0.02\n',
        'workflow.yaml': `${lines.join('\n')}\n`,
      });
      expect(r.result.status, r.stderr).toBe('succeeded');
      for (const e of r.events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
      for (const id of agentOf.keys()) expect(r.events.filter((e) => e.taskId === id && TERMINAL.test(e.type)), id).toHaveLength(1);
      // No task of an agent starts while a Retry-After holds it (the hold begins as the retry is announced).
      const holds = r.events.filter((e) => e.type === 'task.retrying').map((e) => {
        const seconds = Number(/^429:(.*)$/.exec(lines.find((l) => l.startsWith(`  ${e.taskId}:`))!.match(/prompt: "([^"]*)"/)![1]!)![1]);
        return { agent: agentOf.get(e.taskId)!, from: Date.parse(e.ts), to: Date.parse(e.ts) + seconds * 1000 };
      });
      expect(holds.length).toBe([...lines].filter((l) => l.includes('429:') && /agent: /.test(l)).length);
      for (const e of r.events.filter((x) => x.type === 'task.started')) {
        const at = Date.parse(e.ts);
        for (const h of holds) if (agentOf.get(e.taskId) === h.agent) expect(at > h.from + 5 && at < h.to - 15, `${e.taskId} started at ${at} inside a hold of agent ${h.agent} (${h.from}-${h.to})`).toBe(false);
      }
    });
  }
});

describe('random fan-outs over outputs keep the run invariants', () => {
  for (let seed = 1; seed <= Number(process.env.PROPERTY_SEEDS ?? 20) / 2; seed++) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(3000 + seed);
      const n = 6 + Math.floor(rnd() * 6);
      const concurrency = 1 + Math.floor(rnd() * 4);
      // Each task outputs a list of 0-3 distinct values, one of which may be "bad"; a fan-out runs one
      // expansion per value of its first need's list, and an expansion for "bad" fails.
      const specs: Array<{ id: string; needs: string[]; list: string[]; fanOut: boolean }> = [];
      for (let i = 0; i < n; i++) {
        const needs = new Set<string>();
        if (i > 0) for (let k = 1 + Math.floor(rnd() * 2); k > 0; k--) needs.add(`t${Math.floor(rnd() * i)}`);
        const list = Array.from({ length: Math.floor(rnd() * 4) }, (_, k) => (rnd() < 0.15 ? 'bad' : `v${k}`)).filter((v, k, all) => all.indexOf(v) === k);
        // A fan-out reads the list of a need that is not one itself (its expansions' outputs cannot be named).
        const first = [...needs][0];
        specs.push({ id: `t${i}`, needs: [...needs], list, fanOut: first !== undefined && !specs[Number(first.slice(1))]!.fanOut && rnd() < 0.5 });
      }
      const lines = ['version: 1', `policy: { maxConcurrency: ${concurrency} }`, 'tasks:'];
      for (const t of specs) {
        const value = t.fanOut ? '${{ matrix.v }}' : 'none';
        lines.push(`  ${t.id}:`, `    run: 'sleep 0.0${1 + Math.floor(rnd() * 4)}; echo "list=${JSON.stringify(t.list).replace(/"/g, '\\"')}" >> "$ORCHESTRATE_OUTPUT"; [ "${value}" != bad ]'`);
        if (t.needs.length) lines.push(`    needs: [${t.needs.join(', ')}]`);
        if (t.fanOut) lines.push(`    matrix: { v: "\${{ tasks.${t.needs[0]}.outputs.list }}" }`);
      }
      const r = runProject({ 'workflow.yaml': `${lines.join('\n')}\n` });
      for (const e of r.events) expect(validateEvent(e), JSON.stringify(e)).toBe(true);
      const status = (id: string) => task(r.result, id)?.status as string | undefined;
      const terminal = r.events.filter((e: any) => TERMINAL.test(e.type));
      expect(terminal.map((e: any) => e.taskId).sort()).toEqual(r.result.tasks.map((t: any) => t.id).sort());
      expect(new Set(terminal.map((e: any) => e.taskId)).size).toBe(terminal.length);

      // What each task needs before it may start: its needs; an expansion, its fan-out's needs; and
      // what needs a fan-out waits for every expansion of it.
      const specOf = new Map(specs.map((t) => [t.id, t]));
      const baseOf = (id: string) => id.replace(/\[.*$/, '');
      const expansionsOf = (id: string) => r.result.tasks.filter((t: any) => t.id.startsWith(`${id}[`)).map((t: any) => t.id);
      const ended = new Set<string>();
      const running = new Set<string>();
      for (const e of r.events) {
        if (e.type === 'task.started') {
          for (const need of specOf.get(baseOf(e.taskId))!.needs) {
            expect(ended.has(need), `${e.taskId} started before ${need} ended`).toBe(true);
            for (const x of expansionsOf(need)) expect(ended.has(x), `${e.taskId} started before ${x} ended`).toBe(true);
          }
          running.add(e.taskId);
          expect(running.size).toBeLessThanOrEqual(concurrency);
        } else if (TERMINAL.test(e.type)) {
          running.delete(e.taskId);
          ended.add(e.taskId);
        }
      }

      // A fan-out whose needs succeeded expands into exactly its first need's list and fails when one of
      // them does; any task runs only when every need succeeded.
      for (const t of specs) {
        const needsOk = t.needs.every((need) => status(need) === 'succeeded');
        if (!needsOk) {
          expect(status(t.id), `${t.id} after a failed need`).toBe('skipped');
          expect(expansionsOf(t.id)).toEqual([]);
          continue;
        }
        if (!t.fanOut) {
          expect(status(t.id)).toBe('succeeded');
          continue;
        }
        const values = specOf.get(t.needs[0]!)!.list;
        expect(expansionsOf(t.id), `${t.id} expansions`).toEqual(values.map((v) => `${t.id}[${v}]`));
        for (const v of values) expect(status(`${t.id}[${v}]`)).toBe(v === 'bad' ? 'failed' : 'succeeded');
        expect(status(t.id), `${t.id} status`).toBe(values.includes('bad') ? 'failed' : 'succeeded');
        if (!values.length) expect(task(r.result, t.id).reason).toBe('empty-matrix');
      }
      const failed = r.result.tasks.some((t: any) => t.status === 'failed');
      expect(r.code).toBe(failed ? 1 : 0);
    });
  }
});

describe('kill -9 at a random moment, then --resume', () => {
  for (let seed = 1; seed <= 6; seed++) {
    it(`seed ${seed}: no recorded success runs again, everything else runs, the resumed run succeeds`, async () => {
      const rnd = seededRandom(2000 + seed);
      const n = 8 + Math.floor(rnd() * 6);
      const lines = ['version: 1', `policy: { maxConcurrency: ${1 + Math.floor(rnd() * 3)} }`, 'tasks:'];
      for (let i = 0; i < n; i++) {
        const needs = i > 0 && rnd() < 0.6 ? [`t${Math.floor(rnd() * i)}`] : [];
        lines.push(`  t${i}: { run: 'echo x >> t${i}.ran; sleep 0.${1 + Math.floor(rnd() * 3)}; echo v=${i} >> "$ORCHESTRATE_OUTPUT"'${needs.length ? `, needs: [${needs.join(', ')}]` : ''} }`);
      }
      const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `${lines.join('\n')}\n` });
      const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // The random moment comes once the run is in the history (before that there is nothing to
      // resume; on a loaded machine start-up alone may take longer than the delay).
      const recordedRuns = () => {
        const out = cli(['history', '--json'], { cwd: dir }).stdout;
        return out ? (JSON.parse(out) as unknown[]).length : 0;
      };
      for (const until = Date.now() + 30_000; recordedRuns() === 0;) {
        if (Date.now() > until) throw new Error('the run was never recorded');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(rnd() * 600)));
      child.kill('SIGKILL');
      await exited;
      const first = JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout)[0].id;
      const recorded = cli(['events', first], { cwd: dir }).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const succeeded = new Set(recorded.filter((e) => e.type === 'task.succeeded').map((e) => e.taskId as string));
      // The spawner takes the killed runner's tasks with it; let it finish before counting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const resumed = cli(['run', 'workflow.yaml', '--resume', first, '--json'], { cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = JSON.parse(resumed.stdout);
      const ran = (id: string) => (existsSync(join(dir, `${id}.ran`)) ? readFileSync(join(dir, `${id}.ran`), 'utf8').trim().split('\n').length : 0);
      for (let i = 0; i < n; i++) {
        const id = `t${i}`;
        expect(ran(id), `${id} never ran`).toBeGreaterThan(0);
        const t = result.tasks.find((x: any) => x.id === id);
        expect(t.status).toBe('succeeded');
        expect(t.outputs).toEqual({ v: String(i) });
        if (succeeded.has(id)) {
          expect(ran(id), `${id} succeeded before the kill and ran again`).toBe(1);
          expect(t.reason).toBe('reused');
        }
      }
    });
  }
});

describe('Ctrl-C at a random moment', () => {
  for (let seed = 1; seed <= 5; seed++) {
    it(`seed ${seed}: exits 130, every task ends once, the stream ends with workflow.finished, no task process survives, cleanup marked runOnInterrupt runs`, async () => {
      const rnd = seededRandom(3000 + seed);
      const n = 6 + Math.floor(rnd() * 6);
      const lines = ['version: 1', `policy: { maxConcurrency: ${1 + Math.floor(rnd() * 3)}, gracePeriod: 1s, retry: { delay: 50ms } }`, 'tasks:'];
      // Sometimes the first task is a service the others use: it runs until they have ended.
      const service = rnd() < 0.5;
      const cleanup = new Set<string>();
      for (let i = 0; i < n; i++) {
        const needs = i > 0 && rnd() < 0.5 ? [`t${Math.floor(rnd() * i)}`] : [];
        if (i === 0 && service) {
          lines.push("  t0: { run: 'echo $$ >> pids; exec sleep 30', service: true }");
          continue;
        }
        // Each task leaves its pid and a background grandchild's pid, and some ignore SIGTERM ('' inside YAML's single quotes is one ').
        const trap = rnd() < 0.3 ? "trap '''' TERM; " : '';
        const always = rnd() < 0.2;
        if (always && rnd() < 0.5) cleanup.add(`t${i}`);
        lines.push(`  t${i}: { run: '${trap}sleep 30 & echo $! >> pids; echo $$ >> pids; sleep 0.${1 + Math.floor(rnd() * 4)}; kill $!', retry: { maxAttempts: 2 }${needs.length ? `, needs: [${needs.join(', ')}]` : ''}${always ? ', if: always' : ''}${cleanup.has(`t${i}`) ? ', runOnInterrupt: true' : ''} }`);
      }
      const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `${lines.join('\n')}\n` });
      const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'silent'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(rnd() * 500)));
      child.kill('SIGINT');
      const code = await exited;
      const events = readFileSync(join(dir, '.orchestrate/runs', readdirSync(join(dir, '.orchestrate/runs'))[0]!, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const finished = events.at(-1);
      expect(finished.type).toBe('workflow.finished');
      // Interrupted, unless every task had already finished when the signal came.
      expect(code).toBe(finished.status === 'cancelled' ? 130 : finished.status === 'succeeded' ? 0 : 1);
      const terminal = events.filter((e) => TERMINAL.test(e.type)).map((e) => e.taskId as string);
      expect(terminal.sort()).toEqual(Array.from({ length: n }, (_, i) => `t${i}`).sort());
      // Cleanup runs whatever the interrupt did to what it needs, and is not stopped by it.
      for (const id of cleanup) expect(JSON.stringify(events.find((e) => TERMINAL.test(e.type) && e.taskId === id)), `${id} (runOnInterrupt)`).toContain('"type":"task.succeeded"');
      const pids = existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
      for (const pid of pids) expect(isAlive(pid), `process ${pid} outlived the run`).toBe(false);
    });
  }
});
