import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/util/random.js';
import { BIN, tempProject } from '../helpers/cli.js';
import { isAlive } from '../helpers/processes.js';
import { runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';

// Seeded random workflows where services, cleanup on an interrupt and circuit breakers meet
// failures, retries, deadlines and both cancellation modes, run for real: whatever the mix, the
// run ends, every task ends once, and nothing survives it. (PROPERTY_SEEDS=N runs more seeds.)
const validateEvent = validator('events');
const TERMINAL = /^task\.(succeeded|failed|skipped|cancelled)$/;
const seeds = (fallback: number) => Math.max(fallback, Math.floor(Number(process.env.PROPERTY_SEEDS ?? 0) / 2));

/** The terminal event of each task, checking that none has two and every event fits the schema. */
function terminalEvents(events: any[], ctx: string): Map<string, any> {
  for (const e of events) expect(validateEvent(e), JSON.stringify(e)).toBe(true);
  const terminal = new Map<string, any>();
  for (const e of events.filter((x) => TERMINAL.test(x.type))) {
    expect(terminal.has(e.taskId), `${e.taskId} ended twice${ctx}`).toBe(false);
    terminal.set(e.taskId, e);
  }
  expect(events.at(-1).type, ctx).toBe('workflow.finished');
  return terminal;
}

/** A task's check that each service it needs is up: "task:service" lines in down.txt for those that are not (none yet started: no pid file). */
const upChecks = (id: string, services: string[]) => services.map((s) => `{ [ ! -s ${s}.pid ] || kill -0 $(cat ${s}.pid) || echo ${id}:${s} >> down.txt; }; `).join('');

/** The "task:service" lines of down.txt whose service was up (ready, and did not end on its own). */
function downWhileUp(dir: string, up: (service: string) => boolean): string[] {
  const file = join(dir, 'down.txt');
  return (existsSync(file) ? readFileSync(file, 'utf8') : '').split('\n').filter((l) => l && up(l.split(':')[1]!));
}

/** Every task's process (its pid file) is gone. */
function expectNoneAlive(dir: string, ids: string[], ctx: string): void {
  for (const id of ids) {
    const file = join(dir, `${id}.pid`);
    const pid = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
    if (pid) expect(isAlive(pid), `${id} survived${ctx}`).toBe(false);
  }
}

describe('random workflows with services keep them up while the tasks that need them run', () => {
  let stops = 0;
  for (let seed = 1; seed <= seeds(8); seed++) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(9000 + seed);
      const n = 6 + Math.floor(rnd() * 8);
      const concurrency = 1 + Math.floor(rnd() * 3);
      // A service that "ends" exits 4 on its own: before it is ready with a `ready` check, just after with `service: true`.
      const specs: Array<{ id: string; service: boolean; ends: boolean; needs: string[]; fails: boolean }> = [];
      const lines = ['version: 1', `policy: { maxConcurrency: ${concurrency}, cancellation: ${rnd() < 0.5 ? 'isolated' : 'cascading'} }`, 'tasks:'];
      for (let i = 0; i < n; i++) {
        const service = rnd() < 0.3;
        const needs = new Set<string>();
        if (i > 0) for (let k = Math.floor(rnd() * 3); k > 0; k--) needs.add(`t${Math.floor(rnd() * i)}`);
        const spec = { id: `t${i}`, service, ends: service && rnd() < 0.2, needs: [...needs], fails: !service && rnd() < 0.2 };
        specs.push(spec);
        lines.push(`  ${spec.id}:`);
        if (service) {
          const body = spec.ends ? 'sleep 0.02; exit 4' : `echo $$ > ${spec.id}.pid; sleep 0.0${1 + Math.floor(rnd() * 4)}; touch ${spec.id}.up; exec sleep 60`;
          lines.push(`    run: '${body}'`, rnd() < 0.5 ? `    service: { ready: "test -f ${spec.id}.up", interval: 20ms }` : '    service: true');
        } else {
          const services = spec.needs.filter((id) => specs[Number(id.slice(1))]!.service);
          lines.push(`    run: '${upChecks(spec.id, services)}echo $$ > ${spec.id}.pid; sleep 0.0${1 + Math.floor(rnd() * 5)}${spec.fails ? '; exit 3' : ''}'`);
          if (spec.needs.length) lines.push(`    if: ${(['success', 'success', 'failure', 'always'] as const)[Math.floor(rnd() * 4)]}`);
        }
        if (spec.needs.length) lines.push(`    needs: [${spec.needs.join(', ')}]`);
      }
      const yaml = `${lines.join('\n')}\n`;
      const r = runProject({ 'workflow.yaml': yaml });
      const ctx = `\n${yaml}\n${r.stderr}`;
      const terminal = terminalEvents(r.events, ctx);
      expect([...terminal.keys()].sort()).toEqual(specs.map((s) => s.id).sort());
      const byId = new Map(specs.map((s) => [s.id, s]));
      const wasUp = (id: string) => byId.get(id)!.service && terminal.get(id).type === 'task.succeeded' && terminal.get(id).reason !== 'not-needed';
      const ended = new Set<string>();
      const stopped = new Set<string>();
      const running = new Set<string>();
      for (const e of r.events) {
        if (e.type === 'task.started') {
          for (const need of byId.get(e.taskId)!.needs) {
            expect(ended.has(need), `${e.taskId} started before ${need} ended${ctx}`).toBe(true);
            if (!byId.get(need)!.ends) expect(stopped.has(need), `${e.taskId} started after ${need} was stopped${ctx}`).toBe(false);
          }
          running.add(e.taskId);
          // A service that is ready holds no slot.
          expect(running.size, `over the concurrency${ctx}`).toBeLessThanOrEqual(concurrency);
        } else if (e.type === 'task.retrying') {
          running.delete(e.taskId);
        } else if (TERMINAL.test(e.type)) {
          running.delete(e.taskId);
          ended.add(e.taskId);
        } else if (e.type === 'task.stopped') {
          expect(wasUp(e.taskId) && !stopped.has(e.taskId), `${e.taskId} stopped without being up, or twice${ctx}`).toBe(true);
          stopped.add(e.taskId);
          stops++;
          // Stopped (not ended on its own) only once every task that needs it has ended.
          if (!byId.get(e.taskId)!.ends) for (const d of specs.filter((x) => x.needs.includes(e.taskId))) expect(ended.has(d.id), `${e.taskId} stopped before ${d.id} ended${ctx}`).toBe(true);
        }
      }
      for (const s of specs) if (wasUp(s.id)) expect(stopped.has(s.id), `${s.id} was up and never stopped${ctx}`).toBe(true);
      expect(downWhileUp(r.dir, (s) => wasUp(s) && !byId.get(s)!.ends), `a service was down for a task that needs it${ctx}`).toEqual([]);
      expectNoneAlive(r.dir, specs.map((s) => s.id), ctx);
      for (const s of specs) if (s.fails) expect(task(r.result, s.id).status, `${s.id}${ctx}`).not.toBe('succeeded');
      expect(r.code, ctx).toBe(r.result.status === 'succeeded' ? 0 : 1);
    });
  }
  // The seeds bring services up and stop them: the properties are not met by never doing so.
  afterAll(() => expect(stops).toBeGreaterThan(0));
});

describe('Ctrl-C at a random moment with services and cleanup', () => {
  let interruptedCleanups = 0;
  for (let seed = 1; seed <= seeds(5); seed++) {
    it(`seed ${seed}: cleanup runs, what it needs is up, nothing survives`, async () => {
      const rnd = seededRandom(11000 + seed);
      const n = 6 + Math.floor(rnd() * 8);
      const specs: Array<{ id: string; service: boolean; needs: string[]; cleanup: boolean }> = [];
      const lines = ['version: 1', `policy: { maxConcurrency: ${1 + Math.floor(rnd() * 3)}, gracePeriod: 1s, cancellation: ${rnd() < 0.5 ? 'isolated' : 'cascading'} }`, 'tasks:'];
      for (let i = 0; i < n; i++) {
        const service = rnd() < 0.25;
        const needs = new Set<string>();
        if (i > 0) for (let k = Math.floor(rnd() * 3); k > 0; k--) needs.add(`t${Math.floor(rnd() * i)}`);
        // Cleanup: `if: always` with `runOnInterrupt`, which must run whatever happens.
        const cleanup = !service && needs.size > 0 && rnd() < 0.25;
        const spec = { id: `t${i}`, service, needs: [...needs], cleanup };
        specs.push(spec);
        lines.push(`  ${spec.id}:`);
        if (service) {
          lines.push(`    run: 'echo $$ > ${spec.id}.pid; sleep 0.0${1 + Math.floor(rnd() * 9)}; touch ${spec.id}.up; exec sleep 60'`, rnd() < 0.5 ? `    service: { ready: "test -f ${spec.id}.up", interval: 20ms }` : '    service: true');
        } else {
          const services = spec.needs.filter((id) => specs[Number(id.slice(1))]!.service);
          lines.push(`    run: '${upChecks(spec.id, services)}echo $$ > ${spec.id}.pid; sleep 0.${1 + Math.floor(rnd() * 4)}${rnd() < 0.15 ? '; exit 3' : ''}'`);
        }
        if (spec.needs.length) lines.push(`    needs: [${spec.needs.join(', ')}]`);
        if (cleanup) lines.push('    if: always', '    runOnInterrupt: true');
      }
      const yaml = `${lines.join('\n')}\n`;
      const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': yaml });
      const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { ...process.env, CI: '1' } });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // The random moment comes once a task has started.
      const until = Date.now() + 20_000;
      while (!/ start /.test(output) && child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 600)));
      child.kill('SIGINT');
      const code = await exited;
      const ctx = `\n${yaml}\n${output}`;
      const runs = join(dir, '.orchestrate/runs');
      const events = readFileSync(join(runs, readdirSync(runs)[0]!, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const terminal = terminalEvents(events, ctx);
      expect([...terminal.keys()].sort(), ctx).toEqual(specs.map((s) => s.id).sort());
      const status = events.at(-1).status;
      expect(code, ctx).toBe(status === 'cancelled' ? 130 : status === 'succeeded' ? 0 : 1);
      expectNoneAlive(dir, specs.map((s) => s.id), ctx);
      const started = new Set(events.filter((e) => e.type === 'task.started').map((e) => e.taskId));
      for (const s of specs) if (s.cleanup) expect(started.has(s.id), `cleanup ${s.id} did not run${ctx}`).toBe(true);
      if (status === 'cancelled') interruptedCleanups += specs.filter((s) => s.cleanup).length;
      const up = new Set(specs.filter((s) => s.service && terminal.get(s.id).type === 'task.succeeded' && terminal.get(s.id).reason !== 'not-needed').map((s) => s.id));
      const stopped = new Set(events.filter((e) => e.type === 'task.stopped').map((e) => e.taskId));
      for (const id of up) expect(stopped.has(id), `${id} was up and never stopped${ctx}`).toBe(true);
      expect(downWhileUp(dir, (s) => up.has(s)), `a service was down for a task that needs it${ctx}`).toEqual([]);
    });
  }
  // Some seeds are interrupted with cleanup to run.
  afterAll(() => expect(interruptedCleanups).toBeGreaterThan(0));
});

describe('random workflows with circuit breakers, retries, deadlines and budgets end, and fail fast only when open', () => {
  let failedFast = 0;
  const count = seeds(8);
  for (let seed = 1; seed <= count; seed++) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom(13000 + seed);
      const n = 8 + Math.floor(rnd() * 10);
      const threshold = 1 + Math.floor(rnd() * 2);
      const deadline = rnd() < 0.3 ? `, timeout: ${1 + Math.floor(rnd() * 2)}s` : '';
      const budget = rnd() < 0.2 ? `, costBudget: ${3 + Math.floor(rnd() * 5)}` : '';
      const lines = ['version: 1', `policy: { maxConcurrency: ${1 + Math.floor(rnd() * 4)}, cancellation: ${rnd() < 0.7 ? 'isolated' : 'cascading'}, circuitBreaker: { failureThreshold: ${threshold}, cooldown: ${20 + Math.floor(rnd() * 80)}ms }${deadline}${budget} }`, 'agents:'];
      // Each agent runs its prompt as a script.
      for (const a of ['a', 'b']) lines.push(`  ${a}: { command: 'sh -c "$(cat)"', concurrency: ${1 + Math.floor(rnd() * 3)} }`);
      lines.push('tasks:');
      const agentOf = new Map<string, string | undefined>();
      for (let i = 0; i < n; i++) {
        const agent = rnd() < 0.8 ? (rnd() < 0.5 ? 'a' : 'b') : undefined;
        const needs = new Set<string>();
        if (i > 0) for (let k = Math.floor(rnd() * 2); k > 0; k--) needs.add(`t${Math.floor(rnd() * i)}`);
        const kind = rnd();
        // Fails always, fails its first attempt only, or succeeds.
        const command = (kind < 0.25 ? 'sleep 0.0X; exit 1' : kind < 0.55 ? 'sleep 0.0X; [ "$ORCHESTRATE_ATTEMPT" -gt 1 ]' : 'sleep 0.X').replace('X', String(1 + Math.floor(rnd() * 4)));
        const extras: string[] = [];
        if (needs.size) extras.push(`needs: [${[...needs].join(', ')}]`);
        if (rnd() < 0.6) extras.push(`retry: { maxAttempts: ${2 + Math.floor(rnd() * 2)}, delay: 30ms }`);
        if (needs.size && rnd() < 0.3) extras.push('if: always');
        if (rnd() < 0.15) extras.push('runOnInterrupt: true');
        if (rnd() < 0.2) extras.push('continueOnError: true');
        if (budget) extras.push(`cost: ${Math.floor(rnd() * 2)}`);
        agentOf.set(`t${i}`, agent);
        lines.push(`  t${i}: { ${agent ? `agent: ${agent}, prompt: '${command}'` : `run: '${command}'`}${extras.length ? `, ${extras.join(', ')}` : ''} }`);
      }
      const yaml = `${lines.join('\n')}\n`;
      const r = runProject({ 'workflow.yaml': yaml });
      const ctx = `\n${yaml}\n${r.stderr}`;
      expect(terminalEvents(r.events, ctx).size, ctx).toBe(n);
      // A task fails fast (circuit-open) only after `threshold` final failures in a row of its agent's
      // tasks that ran (a success in between resets the count).
      const streak = new Map<string, number>();
      for (const e of r.events.filter((x) => TERMINAL.test(x.type))) {
        const agent = agentOf.get(e.taskId);
        if (!agent) continue;
        if (e.errorKind === 'circuit-open') {
          failedFast++;
          expect(streak.get(agent) ?? 0, `${e.taskId} failed fast without ${threshold} failures before it${ctx}`).toBeGreaterThanOrEqual(threshold);
        } else if (e.type === 'task.succeeded') streak.set(agent, 0);
        else if (e.type === 'task.failed') streak.set(agent, (streak.get(agent) ?? 0) + 1);
      }
      expect(r.code, ctx).toBe(r.result.status === 'succeeded' ? 0 : 1);
    });
  }
  // The seeds open circuits: the property is not met by never opening one.
  afterAll(() => expect(failedFast).toBeGreaterThan(0));
});
