import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

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

interface Event { type: string; taskId?: string; ts: string; reason?: string }

function runDir(dir: string): string {
  const runs = join(dir, '.orchestrate/runs');
  return join(runs, readdirSync(runs).sort().at(-1)!);
}

function events(dir: string): Event[] {
  return readFileSync(join(runDir(dir), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);
}

const at = (ev: Event[], type: string, taskId: string) => Date.parse(ev.find((e) => e.type === type && e.taskId === taskId)!.ts);

describe('service tasks', () => {
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
    service: true
  skipped: { needs: unused, when: "false", run: "true" }
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
    for (const file of ['never.pid', 'unused.pid']) expect(isAlive(Number(readFileSync(join(dir, file), 'utf8')))).toBe(false);
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
    const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { ...process.env, CI: '1' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor(() => existsSync(join(dir, 'long.pid')) && readFileSync(join(dir, 'long.pid'), 'utf8').trim() !== '');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(isAlive(Number(readFileSync(join(dir, 'server.pid'), 'utf8')))).toBe(false);
    expect(isAlive(Number(readFileSync(join(dir, 'long.pid'), 'utf8')))).toBe(false);
    const terminal = Object.fromEntries(events(dir).filter((e) => /^task\.(succeeded|cancelled)$/.test(e.type)).map((e) => [e.taskId, e.type]));
    expect(terminal).toEqual({ api: 'task.succeeded', long: 'task.cancelled' });
  });

  it('run again on --resume only when a task that needs them runs again', () => {
    const dir = tempProject({
      'package.json': '{}',
      'workflow.yaml': `version: 1
tasks:
  svc: { run: "echo x >> svc-starts; exec sleep 60", service: true }
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
    expect(readFileSync(join(dir, 'svc-starts'), 'utf8')).toBe('x\nx\n');
    writeFileSync(join(dir, 'fixed'), '');
    const third = run('--resume', second.result.runId);
    expect(third.code).toBe(0);
    expect(readFileSync(join(dir, 'svc-starts'), 'utf8')).toBe('x\nx\nx\n');
    // Everything succeeded: a resume of that run needs the service for nothing.
    const again = run('--resume', third.result.runId);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'svc-starts'), 'utf8')).toBe('x\nx\nx\n');
    expect(again.result.tasks.map((t) => `${t.id}:${t.reason}`)).toEqual(['svc:reused', 'ok:reused', 'flaky:reused']);
  });

  it('do not make the tasks that need them run again: a task with sources is up to date whatever its service did', () => {
    const dir = tempProject({
      'package.json': '{}',
      'src/a.txt': 'a',
      'workflow.yaml': `version: 1
tasks:
  svc: { run: "exec sleep 60", service: true }
  build: { needs: svc, run: "echo built >> built.txt", sources: [src] }
`,
    });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    const r = cli(['run', 'workflow.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tasks.map((t: { id: string; reason?: string }) => `${t.id}:${t.reason}`)).toEqual(['svc:undefined', 'build:up-to-date']);
    expect(readFileSync(join(dir, 'built.txt'), 'utf8')).toBe('built\n');
  });

  it('lint refuses what cannot be a service', () => {
    const dir = tempProject({
      'workflow.yaml': `version: 1
agents: { a: { command: cat } }
tasks:
  s1: { agent: a, prompt: x, service: true }
  s2: { run: x, service: true, sources: [src] }
  s3: { run: x, service: { interval: 0 } }
`,
    });
    const r = cli(['lint', 'workflow.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain('workflow.yaml:4:30  error  task "s1" cannot be a `service`: it is an agent task');
    expect(out).toContain('workflow.yaml:5:17  error  task "s2" cannot be a `service`: it has `sources`');
    expect(out).toContain('tasks.s3.service.interval must be greater than 0');
  });
});
