import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../helpers/sqlite.js';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { validator } from '../helpers/schemas.js';

const validateEvent = validator('events');
const validateResult = validator('result');
const validatePlan = validator('plan');

// A script that acts as an LLM: it counts its calls and answers from the prompt.
const AGENT = '#!/bin/sh\necho "$ORCHESTRATE_TASK_ID" >> calls.txt\nread -r prompt\necho "answer to: $prompt"\n';

const workflow = `version: 1
inputs:
  topic: { default: cats }
agents:
  llm: { command: ./agent.sh, captureStdout: answer, memoize: true }
tasks:
  outline: { agent: llm, prompt: "outline \${{ inputs.topic }}" }
  draft: { agent: llm, needs: outline, prompt: "draft from \${{ tasks.outline.outputs.answer }}" }
  review: { agent: llm, needs: draft, prompt: "review \${{ tasks.draft.outputs.answer }}", memoize: false }
  publish: { run: 'echo "$TEXT" > out.txt', needs: draft, env: { TEXT: "\${{ tasks.draft.outputs.answer }}" } }
`;

function project(text = workflow) {
  const dir = tempProject({ 'package.json': '{}', 'w.yaml': text, 'agent.sh': AGENT });
  chmodSync(join(dir, 'agent.sh'), 0o755);
  return dir;
}

function run(dir: string, ...args: string[]) {
  rmSync(join(dir, 'calls.txt'), { force: true });
  const r = cli(['run', 'w.yaml', '--json', ...args], { cwd: dir });
  const result = JSON.parse(r.stdout);
  expect(validateResult(result), JSON.stringify(validateResult.errors)).toBe(true);
  const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  for (const e of events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
  const calls = existsSync(join(dir, 'calls.txt')) ? readFileSync(join(dir, 'calls.txt'), 'utf8').trim().split('\n') : [];
  return { code: r.code, result, events, calls, how: Object.fromEntries(result.tasks.map((t: any) => [t.id, t.reason ?? t.status])) };
}

describe('memoize', () => {
  it('reuses the outputs of an earlier success with the same inputs, and asks again when one changed', () => {
    const dir = project();
    const first = run(dir);
    expect(first.code).toBe(0);
    expect(first.calls.sort()).toEqual(['draft', 'outline', 'review']);
    // Recorded under a key, when it ran.
    expect(first.events.find((e) => e.type === 'task.succeeded' && e.taskId === 'draft').memoKey).toMatch(/^[0-9a-f]{64}$/);
    rmSync(join(dir, 'out.txt'));

    const second = run(dir);
    expect(second.how).toEqual({ outline: 'memoized', draft: 'memoized', review: 'succeeded', publish: 'succeeded' });
    // memoize: false on review wins over its agent's; the memoized answers reach the tasks that read them.
    expect(second.calls).toEqual(['review']);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('answer to: draft from answer to: outline cats\n');
    const draft = second.result.tasks.find((t: any) => t.id === 'draft');
    expect([draft.attempts, draft.outputs.answer]).toEqual([0, 'answer to: draft from answer to: outline cats']);
    expect(second.result.merged.summary).toContain('2 tasks memoized');

    // A new input changes outline's prompt, and so draft's: both are asked again.
    const other = run(dir, '-i', 'topic=dogs');
    expect(other.calls.sort()).toEqual(['draft', 'outline', 'review']);
    // The earlier answers are still there for the earlier input.
    expect(run(dir).calls).toEqual(['review']);
    // --force asks again, and its answers are what later runs reuse.
    expect(run(dir, '--force').calls.sort()).toEqual(['draft', 'outline', 'review']);
    expect(run(dir).how.outline).toBe('memoized');
  });

  it('does not key on the environment it inherits, unless the task names a variable in its env', () => {
    const dir = project(`version: 1
agents:
  llm: { command: ./agent.sh, captureStdout: answer, memoize: true }
tasks:
  pinned: { agent: llm, prompt: "hello", env: { MODEL: "\${{ env.MODEL }}" } }
  loose: { agent: llm, prompt: "hello" }
`);
    const runWith = (model: string) => {
      rmSync(join(dir, 'calls.txt'), { force: true });
      expect(cli(['run', 'w.yaml'], { cwd: dir, env: { MODEL: model } }).code).toBe(0);
      return existsSync(join(dir, 'calls.txt')) ? readFileSync(join(dir, 'calls.txt'), 'utf8').trim().split('\n').sort() : [];
    };
    expect(runWith('small')).toEqual(['loose', 'pinned']);
    expect(runWith('small')).toEqual([]);
    // Another model: the task that names MODEL in its env is asked again; the other reuses its answer.
    expect(runWith('large')).toEqual(['pinned']);
    expect(runWith('small')).toEqual([]);
  });

  it('keys a task on its secrets masked: another token asks nothing again, and no key recorded comes from a secret', () => {
    const dir = project(`version: 1
secrets: [DB_PASS]
agents:
  llm: { command: ./agent.sh, captureStdout: answer, memoize: true }
tasks:
  ask: { agent: llm, prompt: "hello \${{ env.DB_PASS }}", env: { KEY: "\${{ env.API_TOKEN }}", MODEL: "\${{ env.MODEL }}" } }
`);
    const keys: string[] = [];
    const runWith = (env: Record<string, string>) => {
      rmSync(join(dir, 'calls.txt'), { force: true });
      const r = cli(['run', 'w.yaml', '--json'], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      const events = readFileSync(join(result.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      keys.push(events.find((e) => e.type === 'task.succeeded').memoKey);
      return existsSync(join(dir, 'calls.txt')) ? readFileSync(join(dir, 'calls.txt'), 'utf8').trim().split('\n') : [];
    };
    const planned = (env: Record<string, string>) => JSON.parse(cli(['plan', 'w.yaml', '--json'], { cwd: dir, env }).stdout).tasks[0].estimateSource;
    expect(runWith({ API_TOKEN: 'tok-aaaa1111', DB_PASS: 'pw-first', MODEL: 'small' })).toEqual(['ask']);
    // A rotated token and password (a variable named as a secret is, or one listed under secrets): the same question.
    expect(planned({ API_TOKEN: 'tok-bbbb2222', DB_PASS: 'pw-second', MODEL: 'small' })).toBe('memoized');
    expect(runWith({ API_TOKEN: 'tok-bbbb2222', DB_PASS: 'pw-second', MODEL: 'small' })).toEqual([]);
    expect(keys[1]).toBe(keys[0]);
    // What is not a secret still makes another question.
    expect(planned({ API_TOKEN: 'tok-bbbb2222', DB_PASS: 'pw-second', MODEL: 'large' })).not.toBe('memoized');
    expect(runWith({ API_TOKEN: 'tok-bbbb2222', DB_PASS: 'pw-second', MODEL: 'large' })).toEqual(['ask']);
    expect(keys[2]).not.toBe(keys[0]);
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    try {
      expect(db.prepare('SELECT DISTINCT memo_key AS k FROM tasks WHERE memo_key IS NOT NULL').all().map((row: any) => row.k).sort()).toEqual([...new Set(keys)].sort());
    } finally {
      db.close();
    }
  });

  it('is known to the plan when its inputs are known before the run: none from a task that has not answered', () => {
    const dir = project();
    const sources = (...args: string[]) => {
      const plan = JSON.parse(cli(['plan', 'w.yaml', '--json', ...args], { cwd: dir }).stdout);
      expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
      return Object.fromEntries(plan.tasks.map((t: any) => [t.id, t.estimateSource]));
    };
    expect(Object.values(sources())).not.toContain('memoized');
    run(dir);
    // outline's answer is recorded, so draft's prompt is known, and its answer too.
    expect(sources()).toMatchObject({ outline: 'memoized', draft: 'memoized' });
    expect(sources().review).not.toBe('memoized');
    expect(cli(['plan', 'w.yaml'], { cwd: dir }).stdout).toContain('Memoized: 2 tasks (asked what a recorded success was asked, not run, 0s): outline, draft');
    expect(Object.values(sources('-i', 'topic=dogs'))).not.toContain('memoized');
    // And says why the others will be asked.
    const why = JSON.parse(cli(['plan', 'w.yaml', '--json', '-i', 'topic=dogs'], { cwd: dir }).stdout).tasks.map((t: any) => [t.id, t.runsBecause ?? null]);
    expect(why).toEqual([
      ['outline', 'no success it could reuse is recorded under the same memo key'],
      ['draft', 'its memo key reads answers still to come: the run looks it up then'],
      ['review', null], ['publish', null],
    ]);
    expect(cli(['plan', 'w.yaml', '-i', 'topic=dogs'], { cwd: dir }).stdout).toContain('Will run: 2 tasks with sources or memoize: outline (no success it could reuse is recorded under the same memo key), draft (its memo key reads answers still to come: the run looks it up then)\n');
    const dry = JSON.parse(cli(['run', 'w.yaml', '--dry-run', '--json'], { cwd: dir }).stdout);
    expect(dry.tasks.filter((t: any) => t.estimateSource === 'memoized').map((t: any) => t.id)).toEqual(['outline', 'draft']);
    expect(JSON.parse(cli(['run', 'w.yaml', '--dry-run', '--json', '--force'], { cwd: dir }).stdout).tasks.map((t: any) => t.estimateSource)).not.toContain('memoized');
  });

  it('reuses only successes young enough, whose artifacts are still there, and never a failure', () => {
    const dir = project(`version: 1
tasks:
  young: { run: 'echo young >> calls.txt', memoize: 1h }
  made: { run: 'echo made >> calls.txt; touch made.txt', artifacts: [made.txt], memoize: true }
  flaky: { run: 'echo flaky >> calls.txt; test -f ok', memoize: 30d }
`);
    expect(run(dir).calls.sort()).toEqual(['flaky', 'made', 'young']);
    rmSync(join(dir, 'made.txt'));
    // made's artifact is gone, flaky failed: both run again; young is memoized within its hour.
    const again = run(dir);
    expect(again.how).toEqual({ young: 'memoized', made: 'succeeded', flaky: 'failed' });
    expect(again.calls.sort()).toEqual(['flaky', 'made']);
    // Two hours after young ran (the history says so): its success is too old to reuse. That it
    // was memoized since, a moment ago, makes it no younger: a memoized run is no new success.
    const db = openSqlite(join(dir, '.orchestrate/state.db'));
    expect(db.prepare("UPDATE tasks SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', finished_at, '-2 hours') WHERE task_id = 'young' AND reason IS NULL").run().changes).toBe(1);
    db.close();
    const later = run(dir);
    expect(later.how).toEqual({ young: 'succeeded', made: 'memoized', flaky: 'failed' });
    const plain = cli(['run', 'w.yaml'], { cwd: dir });
    expect(plain.stdout).toContain('memoized   2 tasks not run, outputs of an earlier success with the same inputs (young, made; --force runs them)');
  });

  it('takes an age reaching back further than any date (memoize: 1e15, the most a duration may be) for any age, in the plan and the run', () => {
    // 1e15 s is 1e18 ms before now: further back than a Date goes (8.64e15 ms).
    const dir = project(`version: 1
tasks:
  ages: { run: 'echo ages >> calls.txt', memoize: 1e15 }
`);
    expect(run(dir).calls).toEqual(['ages']);
    const plan = cli(['plan', 'w.yaml'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Memoized: 1 task .*: ages$/m);
    expect(run(dir)).toMatchObject({ how: { ages: 'memoized' }, calls: [] });
  });

  it('is refused beside sources (lint, at the key), and an agent\'s does not reach a task with sources', () => {
    const dir = project(`version: 1
agents:
  llm: { command: ./agent.sh, memoize: true }
tasks:
  both: { run: "true", sources: [w.yaml], memoize: true }
`);
    const lint = JSON.parse(cli(['lint', 'w.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics;
    expect(lint.map((d: any) => [d.code, d.line, d.column])).toEqual([['bad-memoize', 5, 43]]);
    expect(cli(['run', 'w.yaml'], { cwd: dir }).code).toBe(2);
    const viaAgent = project(`version: 1
agents:
  llm: { command: ./agent.sh, memoize: true }
tasks:
  read: { agent: llm, prompt: hi, sources: [w.yaml] }
`);
    expect(run(viaAgent).calls).toEqual(['read']);
    // Up to date by its sources instead, not memoized.
    expect(run(viaAgent).how).toEqual({ read: 'up-to-date' });
  });
});
