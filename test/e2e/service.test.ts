import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { startCli, stopLeftovers } from '../helpers/background.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { validator } from '../helpers/schemas.js';

// A real HTTP server on a free port: it tells its address as an output and says it listens by a file.
const server = `const http = require('http');
const fs = require('fs');
const server = http.createServer((req, res) => { console.log('request', req.url); res.end('hello ' + req.url); });
setTimeout(() => server.listen(0, '127.0.0.1', () => {
  fs.appendFileSync(process.env.ORCHESTRATE_OUTPUT, 'url=http://127.0.0.1:' + server.address().port + '\\n');
  fs.writeFileSync('server.pid', String(process.pid));
}), 300);
process.on('SIGTERM', () => { console.log('stopping'); fs.writeFileSync('stopped.txt', new Date().toISOString()); process.exit(0); });
`;
const fetchTo = (path: string, file: string) => `node -e "fetch('\${{ tasks.api.outputs.url }}${path}').then((r) => r.text()).then((t) => require('fs').writeFileSync('${file}', t))"`;

interface Event { type: string; taskId?: string; ts: string; reason?: string; exitCode?: number | null; durationMs?: number; service?: boolean }

/** How many runs started the service that writes this file (a line each). */
const startsIn = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n').length;

/** The latest run's directory: ids of runs started within one second sort by their random part, so by when its events were last written. */
function runDir(dir: string): string {
  const runs = join(dir, '.orchestrate/runs');
  const written = (name: string) => statSync(join(runs, name, 'events.jsonl')).mtimeMs;
  return join(runs, readdirSync(runs).sort((a, b) => written(a) - written(b) || a.localeCompare(b)).at(-1)!);
}

/** A run of workflow.yaml that succeeds, as `id:reason` of each task (`id:undefined` for one that ran). */
function runReasons(dir: string, ...args: string[]): string[] {
  const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).tasks.map((t: { id: string; reason?: string }) => `${t.id}:${t.reason}`);
}

/** The plan of workflow.yaml, as `id:estimateSource` of each task. */
function plannedSources(dir: string): string[] {
  return JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout).tasks.map((t: { id: string; estimateSource: string }) => `${t.id}:${t.estimateSource}`);
}

function events(dir: string): Event[] {
  return readFileSync(join(runDir(dir), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
}

const at = (ev: Event[], type: string, taskId: string) => Date.parse(ev.find((e) => e.type === type && e.taskId === taskId)!.ts);

describe('service tasks', () => {
  afterEach(stopLeftovers);

  it('start before the tasks that need them, hold no slot once ready, and are stopped once those have ended', () => {
    const dir = tempProject({
      'package.json': '{}',
      'server.js': server,
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 2, gracePeriod: 2s }
tasks:
  api:
    run: node server.js
    service: { ready: test -s server.pid, interval: 100ms }
    timeout: 20s
  a:
    needs: api
    run: >-
      ${fetchTo('/a', 'a.txt')}
  b:
    needs: api
    run: >-
      sleep 0.5 && ${fetchTo('/b', 'b.txt')}
  after: { needs: [a, b], run: "true" }
`,
    });
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // With maxConcurrency 2, a and b ran beside the service: it held no slot once ready.
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('hello /a');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('hello /b');
    const ev = events(dir);
    expect(at(ev, 'task.succeeded', 'api')).toBeLessThanOrEqual(at(ev, 'task.started', 'a'));
    expect(at(ev, 'task.started', 'b')).toBeLessThan(at(ev, 'task.succeeded', 'a'));
    // Stopped (SIGTERM) once a and b had ended.
    expect(existsSync(join(dir, 'stopped.txt'))).toBe(true);
    expect(Date.parse(readFileSync(join(dir, 'stopped.txt'), 'utf8'))).toBeGreaterThanOrEqual(at(ev, 'task.succeeded', 'b') - 5);
    expect(isAlive(Number(readFileSync(join(dir, 'server.pid'), 'utf8')))).toBe(false);
    const result = JSON.parse(r.stdout);
    const api = result.tasks.find((t: { id: string }) => t.id === 'api');
    expect(api).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(api.outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Its log goes on after it is ready: the requests and the stop.
    const log = readFileSync(join(runDir(dir), 'api.log'), 'utf8');
    for (const line of ['out| request /a\n', 'out| request /b\n', 'out| stopping\n']) expect(log).toContain(line);
  });

  it('fail when they end before they are ready (retried as any attempt) or are not ready within their timeout; one nothing needs is stopped at once', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { gracePeriod: 1s }
tasks:
  crashes:
    run: echo starting; exit 0
    service: { ready: "false", interval: 50ms }
    retry: { maxAttempts: 2, delay: 0 }
  never-ready:
    run: echo $$ > never.pid; exec sleep 60
    service: { ready: "false", interval: 100ms }
    timeout: 1s
  unused:
    run: echo $$ > unused.pid; exec sleep 60
    # Ready once its pid is written: it is stopped at once, and the test looks for that process.
    service: { ready: "test -s unused.pid", interval: 50ms }
  # Its condition reads the environment, so it is decided when it is ready, after the service is.
  skipped: { needs: unused, when: "\${{ env.NEVER_SET == 'yes' }}", run: "true" }
  user: { needs: crashes, run: "true" }
`,
    });
    const started = Date.now();
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    const tasks = Object.fromEntries(JSON.parse(r.stdout).tasks.map((t: { id: string }) => [t.id, t]));
    expect(tasks.crashes).toMatchObject({ status: 'failed', attempts: 2 });
    expect(tasks.crashes.errors[0]).toMatchObject({ kind: 'exit-code', message: 'the service ended (exit code 0) before it was ready' });
    expect(tasks['never-ready']).toMatchObject({ status: 'failed' });
    expect(tasks['never-ready'].errors[0]).toMatchObject({ kind: 'timeout' });
    expect(tasks.unused).toMatchObject({ status: 'succeeded' });
    expect(tasks.user).toMatchObject({ status: 'skipped', reason: 'dependency-failed' });
    expect(tasks.skipped).toMatchObject({ status: 'skipped', reason: 'condition' });
    for (const file of ['never.pid', 'unused.pid']) expect(isAlive(Number(readFileSync(join(dir, file), 'utf8')))).toBe(false);
  });

  it('kill a try of their ready check that takes longer than its timeout, and try again', () => {
    const dir = tempProject({
      'package.json': '{}',
      // The first try hangs (as curl against a server that accepts but does not answer yet); the second succeeds.
      'ready.sh': 'if [ -f tried ]; then exit 0; fi; touch tried; echo $$ > hung.pid; exec sleep 60\n',
      'workflow.yaml': `version: 1
tasks:
  svc:
    run: exec sleep 60
    service: { ready: "sh ready.sh", interval: 50ms, timeout: 300ms }
    timeout: 30s
  user: { needs: svc, run: "true" }
`,
    });
    const started = Date.now();
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const tasks = Object.fromEntries(JSON.parse(r.stdout).tasks.map((t: { id: string }) => [t.id, t]));
    expect(tasks.svc).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(tasks.user).toMatchObject({ status: 'succeeded' });
    expect(isAlive(Number(readFileSync(join(dir, 'hung.pid'), 'utf8')))).toBe(false);
    expect(readFileSync(join(runDir(dir), 'svc.log'), 'utf8')).toContain('--- its ready check did not finish within 0.3s: killed, and tried again');
  });

  it('begin their log with the attempt\'s header when they start, so a quiet one\'s notes come under it', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  quiet: { run: exec sleep 60, service: true }
  peek: { needs: quiet, run: 'cp ".orchestrate/runs/$ORCHESTRATE_RUN_ID/quiet.log" seen.log' }
  sock: { run: exec sleep 60, service: true, artifacts: [api.sock] }
  use: { needs: sock, run: "true" }
`,
    });
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const tasks = Object.fromEntries(JSON.parse(r.stdout).tasks.map((t: { id: string }) => [t.id, t]));
    expect(tasks).toMatchObject({ quiet: { status: 'succeeded' }, peek: { status: 'succeeded' }, sock: { status: 'failed' }, use: { status: 'skipped' } });
    // While it ran and had printed nothing, its log already said which attempt started and what it runs.
    expect(readFileSync(join(dir, 'seen.log'), 'utf8')).toMatch(/^--- attempt 1 of quiet started \S+: exec sleep 60\n$/);
    // A quiet service without its artifact: the failure is noted under its attempt's header, as a task's is.
    expect(readFileSync(join(runDir(dir), 'sock.log'), 'utf8')).toMatch(/^--- attempt 1 of sock started \S+: exec sleep 60\n--- attempt 1 failed: artifact not created: api\.sock\n$/);
  });

  it('are stopped by Ctrl-C with the rest, and no process of theirs outlives the run', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'server.js': server,
      'workflow.yaml': `version: 1
policy: { gracePeriod: 1s }
tasks:
  api: { run: node server.js, service: { ready: test -s server.pid, interval: 100ms } }
  long: { needs: api, run: "echo $$ > long.pid; sleep 60" }
`,
    });
    const run = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'simple']);
    await waitFor(() => existsSync(join(dir, 'long.pid')) && readFileSync(join(dir, 'long.pid'), 'utf8').trim() !== '');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(isAlive(Number(readFileSync(join(dir, 'server.pid'), 'utf8')))).toBe(false);
    expect(isAlive(Number(readFileSync(join(dir, 'long.pid'), 'utf8')))).toBe(false);
    const ev = events(dir);
    const terminal = Object.fromEntries(ev.filter((e) => /^task\.(succeeded|cancelled)$/.test(e.type)).map((e) => [e.taskId, e.type]));
    expect(terminal).toEqual({ api: 'task.succeeded', long: 'task.cancelled' });
    // Stopped by the run, once the task that needed it was cancelled.
    expect(ev.filter((e) => e.type === 'task.stopped')).toMatchObject([{ taskId: 'api', reason: 'stopped' }]);
    expect(ev.findIndex((e) => e.type === 'task.stopped')).toBeGreaterThan(ev.findIndex((e) => e.type === 'task.cancelled'));
  });

  it('say when their process ended (task.stopped: stopped, or exited on its own), and status lists them as up until then', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { gracePeriod: 2s }
tasks:
  db: { run: "echo $$ > db.pid; exec sleep 60", service: true }
  flaky: { run: "sleep 0.3; exit 3", service: true }
  user: { needs: [db, flaky], run: "while [ ! -f go ]; do sleep 0.05; done" }
`,
    });
    const run = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'simple']);
    type Status = { status: string; up: Array<{ task: string; since: string; elapsed: number }>; running: Array<{ task: string }> };
    const status = () => JSON.parse(cli(['status', '--json'], { cwd: dir }).stdout) as Status;
    // Both were up; flaky ended on its own after 0.3 s, db is up while user runs.
    let seen: Status | undefined;
    await waitFor(() => {
      if (!existsSync(join(dir, '.orchestrate/state.db'))) return false;
      seen = status();
      return seen.up.length === 1 && seen.running.length === 1;
    }, 'status listing db alone as up');
    expect(seen!.status).toBe('running');
    expect(seen!.up).toMatchObject([{ task: 'db' }]);
    expect(seen!.running).toMatchObject([{ task: 'user' }]);
    expect(cli(['status'], { cwd: dir }).stdout).toMatch(/\n {2}up {7}db {2,}\d/);
    writeFileSync(join(dir, 'go'), '');
    // flaky's end fails nothing by itself: user, which did not use it, succeeds.
    expect(await run.exited).toBe(0);
    expect(isAlive(Number(readFileSync(join(dir, 'db.pid'), 'utf8')))).toBe(false);
    const ev = events(dir);
    const valid = validator('events');
    for (const e of ev) expect(valid(e), JSON.stringify(valid.errors)).toBe(true);
    const succeeded = (id: string) => ev.find((e) => e.type === 'task.succeeded' && e.taskId === id)!;
    expect(succeeded('db').service).toBe(true);
    expect(succeeded('user').service).toBeUndefined();
    const stopped = Object.fromEntries(ev.filter((e) => e.type === 'task.stopped').map((e) => [e.taskId, e]));
    expect(Object.keys(stopped).sort()).toEqual(['db', 'flaky']);
    expect(stopped.flaky).toMatchObject({ reason: 'exited', exitCode: 3 });
    expect(stopped.db).toMatchObject({ reason: 'stopped' });
    expect(stopped.db!.exitCode).toBeUndefined();
    expect(Date.parse(stopped.db!.ts)).toBeGreaterThanOrEqual(at(ev, 'task.succeeded', 'user'));
    expect(stopped.db!.durationMs).toBeGreaterThanOrEqual(Date.parse(stopped.db!.ts) - at(ev, 'task.started', 'db') - 5);
    // Still one terminal event per task; the stop comes before the run's end.
    for (const id of ['db', 'flaky', 'user']) expect(ev.filter((e) => e.taskId === id && /^task\.(succeeded|failed|skipped|cancelled)$/.test(e.type))).toHaveLength(1);
    expect(ev.at(-1)!.type).toBe('workflow.finished');
    expect(run.stdout()).toMatch(/ stop {2}flaky: the service ended on its own \(exit code 3\), [\d.]+m?s after its start\n/);
    expect(run.stdout()).toMatch(/ stop {2}db: the service was stopped, /);
    // Once the run has ended, nothing is up.
    expect(status()).toMatchObject({ status: 'succeeded', up: [] });
  });

  it('print what they printed while up before their stop with --logs grouped', () => {
    const dir = tempProject({
      'package.json': '{}',
      // Stdout only: a line on stderr may arrive before or after it.
      'svc.js': "process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });\nconsole.log('starting');\nrequire('fs').writeFileSync('up', '');\nsetInterval(() => undefined, 1000);\n",
      'workflow.yaml': `version: 1
tasks:
  svc: { run: "node svc.js", service: { ready: test -f up, interval: 50ms } }
  user: { needs: svc, run: "sleep 0.2; echo used" }
`,
    });
    const r = cli(['run', 'workflow.yaml', '--logs', 'grouped', '--renderer', 'simple'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const stop = lines.findIndex((l) => / stop {2}svc: the service was stopped, /.test(l));
    expect(stop).toBeGreaterThan(lines.findIndex((l) => / ok {4}user /.test(l)));
    expect(lines[stop - 1]).toBe('[svc] stopping');
    expect(lines.indexOf('[svc] starting')).toBeGreaterThan(-1);
    expect(lines.indexOf('[svc] starting')).toBeLessThan(stop);
    // None after the stop.
    expect(lines.slice(stop).some((l) => l.startsWith('[svc] '))).toBe(false);
  });

  it('are killed by a second Ctrl-C while they are being stopped (task.stopped: killed)', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
policy: { gracePeriod: 60s }
tasks:
  stubborn: { run: "trap '' TERM; echo $$ > stubborn.pid; exec sleep 60", service: true }
  long: { needs: stubborn, run: "echo $$ > long.pid; exec sleep 60" }
`,
    });
    const run = startCli(dir, ['run', 'workflow.yaml', '--renderer', 'simple']);
    await waitFor(() => existsSync(join(dir, 'long.pid')) && readFileSync(join(dir, 'long.pid'), 'utf8').trim() !== '', 'long to start');
    run.child.kill('SIGINT');
    // long is cancelled, so the service is told to stop; it ignores SIGTERM, and its grace period is long.
    await waitFor(() => / cancel long /.test(run.stdout()), 'long to be cancelled');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(isAlive(Number(readFileSync(join(dir, 'stubborn.pid'), 'utf8')))).toBe(false);
    expect(events(dir).filter((e) => e.type === 'task.stopped')).toMatchObject([{ taskId: 'stubborn', reason: 'killed' }]);
    expect(run.stdout()).toMatch(/ stop {2}stubborn: the service was killed, /);
  });

  it('run again on --resume only when a task that needs them runs again', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  # Ready once it has said which run started it: its line is there before anything can stop it.
  svc: { run: 'echo "$ORCHESTRATE_RUN_ID" >> svc-starts; exec sleep 60', service: { ready: 'grep -qx "$ORCHESTRATE_RUN_ID" svc-starts', interval: 50ms } }
  ok: { needs: svc, run: "true" }
  flaky: { needs: svc, run: "test -f fixed" }
`,
    });
    const run = (...args: string[]) => {
      const r = cli(['run', 'workflow.yaml', '--json', ...args], { cwd: dir });
      return { code: r.code, result: JSON.parse(r.stdout) as { runId: string; tasks: Array<{ id: string; reason?: string }> } };
    };
    const first = run();
    expect(first.code).toBe(1);
    // flaky fails again: the service it needs runs again.
    const second = run('--resume', first.result.runId);
    expect(startsIn(dir, 'svc-starts')).toBe(2);
    writeFileSync(join(dir, 'fixed'), '');
    const third = run('--resume', second.result.runId);
    expect(third.code).toBe(0);
    expect(startsIn(dir, 'svc-starts')).toBe(3);
    // Everything succeeded: a resume of that run needs the service for nothing.
    const again = run('--resume', third.result.runId);
    expect(again.code).toBe(0);
    expect(startsIn(dir, 'svc-starts')).toBe(3);
    expect(again.result.tasks.map((t) => `${t.id}:${t.reason}`)).toEqual(['svc:reused', 'ok:reused', 'flaky:reused']);
  });

  it('do not make the tasks that need them run again, and are not started when none of those will run', () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.txt': 'a',
      'workflow.yaml': `version: 1
inputs:
  e2e: { type: boolean, default: false }
tasks:
  # Ready once each has said which run started it: its line is there before anything can stop it.
  svc: { run: 'echo "$ORCHESTRATE_RUN_ID" >> svc-starts; exec sleep 60', service: { ready: 'grep -qx "$ORCHESTRATE_RUN_ID" svc-starts', interval: 50ms } }
  proxy: { needs: svc, run: 'echo "$ORCHESTRATE_RUN_ID" >> proxy-starts; exec sleep 60', service: { ready: 'grep -qx "$ORCHESTRATE_RUN_ID" proxy-starts', interval: 50ms } }
  build: { needs: proxy, run: "echo built >> built.txt", sources: [src] }
  e2e: { needs: svc, run: "echo e2e >> e2e.txt", when: "\${{ inputs.e2e }}" }
  alone: { run: "exec sleep 60", service: true }
`,
    });
    const reasons = (stdout: string) => JSON.parse(stdout).tasks.map((t: { id: string; reason?: string }) => `${t.id}:${t.reason}`);
    const first = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(reasons(first.stdout)).toEqual(['svc:undefined', 'proxy:undefined', 'build:undefined', 'e2e:condition', 'alone:undefined']);
    // Nothing that needs them will run: build is up to date, e2e's condition is false before the run.
    const plan = cli(['plan', 'workflow.yaml', '--json'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    const sources = Object.fromEntries(JSON.parse(plan.stdout).tasks.map((t: { id: string; estimateSource: string }) => [t.id, t.estimateSource]));
    expect(sources).toMatchObject({ svc: 'not-needed', proxy: 'not-needed', build: 'up-to-date', e2e: 'condition' });
    expect(sources.alone).not.toBe('not-needed');
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).toContain('Not needed: 2 tasks (services no task that runs needs, not started, 0s): svc, proxy');
    const second = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(reasons(second.stdout)).toEqual(['svc:not-needed', 'proxy:not-needed', 'build:up-to-date', 'e2e:condition', 'alone:undefined']);
    expect(JSON.parse(second.stdout).merged.summary).toContain('2 services not needed');
    expect(startsIn(dir, 'svc-starts')).toBe(1);
    expect(startsIn(dir, 'proxy-starts')).toBe(1);
    // One that no task needs runs each time, on its own (and is stopped at once: whether its shell got to its first line by then is the machine's timing).
    for (const r of [first, second]) expect(JSON.parse(r.stdout).tasks.find((t: { id: string }) => t.id === 'alone')).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(readFileSync(join(dir, 'built.txt'), 'utf8')).toBe('built\n');
    // A source changes: build runs, and so do the services it needs, through proxy.
    writeFileSync(join(dir, 'src/a.txt'), 'b');
    const third = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(third.code, third.stderr).toBe(0);
    expect(startsIn(dir, 'svc-starts')).toBe(2);
    expect(readFileSync(join(dir, 'built.txt'), 'utf8')).toBe('built\nbuilt\n');
    // With e2e on, svc is needed again though build is up to date; proxy is not.
    const fourth = cli(['run', 'workflow.yaml', '--json', '-i', 'e2e=true'], { cwd: dir });
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(reasons(fourth.stdout)).toEqual(['svc:undefined', 'proxy:not-needed', 'build:up-to-date', 'e2e:undefined', 'alone:undefined']);
    expect(startsIn(dir, 'proxy-starts')).toBe(2);
    const summary = cli(['run', 'workflow.yaml'], { cwd: dir });
    expect(summary.stdout).toMatch(/not needed svc, proxy \(services not started: no task that needs them ran\)/);
  });

  it('leave their outputs out of the memo keys of the tasks that need them: a new address asks nothing again', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  svc:
    # A new address each run, told once it is up.
    run: 'echo "url=http://127.0.0.1:$$" >> "$ORCHESTRATE_OUTPUT"; touch "up-$ORCHESTRATE_RUN_ID"; exec sleep 60'
    service: { ready: 'test -f "up-$ORCHESTRATE_RUN_ID"', interval: 50ms }
  ask:
    needs: svc
    env: { API: "\${{ tasks.svc.outputs.url }}" }
    run: 'echo "$API" >> asked.txt; echo answer=42 >> "$ORCHESTRATE_OUTPUT"'
    memoize: true
  use: { needs: [ask, svc], run: 'echo "\${{ tasks.ask.outputs.answer }} from \${{ tasks.svc.outputs.url }}" > used.txt' }
`,
    });
    const run = () => {
      const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      return Object.fromEntries(JSON.parse(r.stdout).tasks.map((t: { id: string }) => [t.id, t])) as Record<string, { reason?: string; outputs: Record<string, string> }>;
    };
    const first = run();
    // Known before the run: the key does not wait for the service's address.
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.find((t: { id: string }) => t.id === 'ask').estimateSource).toBe('memoized');
    const second = run();
    expect(second.svc!.outputs.url).not.toBe(first.svc!.outputs.url);
    expect(second.ask).toMatchObject({ reason: 'memoized', outputs: { answer: '42' } });
    expect(readFileSync(join(dir, 'asked.txt'), 'utf8')).toBe(`${first.svc!.outputs.url}\n`);
    // What runs still reads the address of this run's service.
    expect(readFileSync(join(dir, 'used.txt'), 'utf8')).toBe(`42 from ${second.svc!.outputs.url}\n`);
  });

  it('are not started when the tasks that need them are memoized: their answers are known before the service would start', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  api:
    run: 'echo x >> api-starts; echo "url=http://127.0.0.1:$$" >> "$ORCHESTRATE_OUTPUT"; touch "up-$ORCHESTRATE_RUN_ID"; exec sleep 60'
    service: { ready: 'test -f "up-$ORCHESTRATE_RUN_ID"', interval: 50ms }
  outline: { run: 'echo outline >> asked.txt; echo text=outline >> "$ORCHESTRATE_OUTPUT"', memoize: true }
  # Runs every time; draft's memo key does not read it, so draft's answer is known while it runs.
  lint: { run: 'sleep 0.3; echo x >> lint-runs' }
  draft:
    needs: [api, outline, lint]
    env: { API: "\${{ tasks.api.outputs.url }}", OUTLINE: "\${{ tasks.outline.outputs.text }}" }
    run: 'echo draft >> asked.txt; echo "text=draft of $OUTLINE" >> "$ORCHESTRATE_OUTPUT"'
    memoize: true
  publish: { needs: draft, run: 'echo "\${{ tasks.draft.outputs.text }}" > published.txt' }
`,
    });
    const run = (...args: string[]) => runReasons(dir, ...args);
    expect(run()).toEqual(['api:undefined', 'outline:undefined', 'lint:undefined', 'draft:undefined', 'publish:undefined']);
    expect(plannedSources(dir)).toEqual(['api:not-needed', 'outline:memoized', 'lint:history', 'draft:memoized', 'publish:history']);
    // The service comes first in the file; its need is decided after outline is memoized, while lint runs.
    expect(run()).toEqual(['api:not-needed', 'outline:memoized', 'lint:undefined', 'draft:memoized', 'publish:undefined']);
    // Never up, so never stopped: its success does not say service, and no task.stopped follows.
    const second = events(dir);
    expect(second.find((e) => e.type === 'task.succeeded' && e.taskId === 'api')).toMatchObject({ reason: 'not-needed' });
    expect(second.find((e) => e.type === 'task.succeeded' && e.taskId === 'api')!.service).toBeUndefined();
    expect(second.filter((e) => e.type === 'task.stopped')).toEqual([]);
    expect(readFileSync(join(dir, 'lint-runs'), 'utf8')).toBe('x\nx\n');
    expect(readFileSync(join(dir, 'api-starts'), 'utf8')).toBe('x\n');
    expect(readFileSync(join(dir, 'asked.txt'), 'utf8')).toBe('outline\ndraft\n');
    expect(readFileSync(join(dir, 'published.txt'), 'utf8')).toBe('draft of outline\n');
    // --force asks again, so the service is needed.
    expect(run('--force')).toEqual(['api:undefined', 'outline:undefined', 'lint:undefined', 'draft:undefined', 'publish:undefined']);
    expect(readFileSync(join(dir, 'api-starts'), 'utf8')).toBe('x\nx\n');
  });

  it('are not started when memoized tasks that need them read each other\'s answers, and those of tasks up to date that need them too', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  api: { run: 'echo "$ORCHESTRATE_RUN_ID" >> api-starts; exec sleep 60', service: { ready: 'grep -qx "$ORCHESTRATE_RUN_ID" api-starts', interval: 50ms } }
  # Up to date, once the service it needs is decided: its answer is known before that.
  topic: { needs: api, run: 'echo topic >> asked.txt; echo text=cats >> "$ORCHESTRATE_OUTPUT"', sources: [topic.txt] }
  outline: { needs: [api, topic], run: 'echo outline >> asked.txt; echo "text=outline of \${{ tasks.topic.outputs.text }}" >> "$ORCHESTRATE_OUTPUT"', memoize: true }
  draft: { needs: [api, outline], run: 'echo draft >> asked.txt; echo "text=draft of \${{ tasks.outline.outputs.text }}" >> "$ORCHESTRATE_OUTPUT"', memoize: true }
  # Reads outline's answer through draft, which it needs.
  review: { needs: [api, draft], run: 'echo review >> asked.txt; echo "text=\${{ tasks.outline.outputs.text }} / \${{ tasks.draft.outputs.text }}" >> "$ORCHESTRATE_OUTPUT"', memoize: true }
`,
      'topic.txt': 'cats\n',
    });
    const run = () => runReasons(dir);
    expect(run()).toEqual(['api:undefined', 'topic:undefined', 'outline:undefined', 'draft:undefined', 'review:undefined']);
    expect(plannedSources(dir)).toEqual(['api:not-needed', 'topic:up-to-date', 'outline:memoized', 'draft:memoized', 'review:memoized']);
    // As planned: draft's and review's answers are known from outline's, known from topic's before api would start.
    expect(run()).toEqual(['api:not-needed', 'topic:up-to-date', 'outline:memoized', 'draft:memoized', 'review:memoized']);
    expect(startsIn(dir, 'api-starts')).toBe(1);
    expect(readFileSync(join(dir, 'asked.txt'), 'utf8')).toBe('topic\noutline\ndraft\nreview\n');
  });

  it('are marked as services in plans and graphs', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
tasks:
  api: { run: "exec sleep 60", service: true, estimate: 2s }
  e2e: { needs: api, run: "true", estimate: 1s }
`,
    });
    const plan = JSON.parse(cli(['plan', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(plan.tasks.map((t: { id: string; service?: boolean }) => [t.id, t.service])).toEqual([['api', true], ['e2e', undefined]]);
    expect(cli(['plan', 'workflow.yaml'], { cwd: dir }).stdout).toContain('api* (2s, service)');
    const mermaid = cli(['graph', 'workflow.yaml'], { cwd: dir }).stdout;
    expect(mermaid).toContain('t0(["api<br/>2s (service)"])');
    expect(mermaid).toContain('t1["e2e<br/>1s"]');
    expect(cli(['graph', 'workflow.yaml', '--format', 'dot'], { cwd: dir }).stdout).toMatch(/"api" \[label="api\n2s \(service\)".*style="rounded,dashed"\];/);
    const nodes = JSON.parse(cli(['graph', 'workflow.yaml', '--format', 'json'], { cwd: dir }).stdout).nodes;
    expect(nodes.map((n: { id: string; service?: boolean }) => n.service)).toEqual([true, undefined]);
  });

  it('lint refuses what cannot be a service', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
agents: { a: { command: cat } }
tasks:
  s1: { agent: a, prompt: x, service: true }
  s2: { run: x, service: true, sources: [src] }
  s3: { run: x, service: { interval: 0 } }
  s4: { run: x, service: { ready: "true", timeout: 0s } }
  s5: { run: x, service: true }
  direct: { needs: s5, run: "echo \${{ tasks.s5.outputs.url }}" }
  later: { needs: direct, run: "echo \${{ tasks.s5.outputs.url }}" }
`,
    });
    const r = cli(['lint', 'workflow.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain('workflow.yaml:4:30  error  task "s1" cannot be a `service`: it is an agent task');
    expect(out).toContain('workflow.yaml:5:17  error  task "s2" cannot be a `service`: it has `sources`');
    expect(out).toContain('tasks.s3.service.interval must be greater than 0');
    expect(out).toMatch(/workflow\.yaml:7:52 +error +tasks\.s4\.service\.timeout must be greater than 0: every try of its readiness check would be killed at once/);
    expect(out).toMatch(/workflow\.yaml:10:\d+ +warning +task "later" uses \$\{\{ tasks\.s5\.outputs\.url \}\}, an output of service "s5", but does not need it directly: .* so add "s5" to its `needs` +\[service-not-in-needs\]/);
    // One that needs it directly is fine.
    expect(out).not.toMatch(/task "direct" uses/);
  });
});
