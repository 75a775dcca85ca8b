import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

// Where the system's limit on open files leaves room for fewer tasks than the
// concurrency allows, the tasks beyond it wait for others to end instead of
// failing with EMFILE. The limit is read from /proc (Linux).
const LINUX = existsSync('/proc/self/limits');

/** A workflow of `n` tasks that may all run at once, each printing its id and then running `then`. */
function manyTasks(n: number, then: string): string {
  const tasks = Array.from({ length: n }, (_, i) => `  t${i}: { run: "echo out-$ORCHESTRATE_TASK_ID; ${then}" }\n`).join('');
  return `version: 1\npolicy: { maxConcurrency: ${n}, gracePeriod: 1s }\ntasks:\n${tasks}`;
}

/** The CLI under `ulimit -n` (soft and hard: Node cannot raise it past that). */
function underLimit(files: number, args: string[]): [string, string[]] {
  return ['sh', ['-c', `ulimit -n ${files} && exec "$0" "$@"`, process.execPath, BIN, ...args]];
}

function runDir(dir: string): string {
  const runs = join(dir, '.orchestrate/runs');
  return join(runs, readdirSync(runs)[0]!);
}

/** How many task logs the run has written so far: none before its directory is made. */
function logsSoFar(dir: string): number {
  const runs = join(dir, '.orchestrate/runs');
  const run = existsSync(runs) ? readdirSync(runs)[0] : undefined;
  return run === undefined ? 0 : readdirSync(join(runs, run)).filter((f) => f.endsWith('.log')).length;
}

describe.skipIf(!LINUX)('limits of the system (needs /proc/self/limits)', () => {
  it('runs more tasks at once than the open-files limit leaves room for: the rest wait for others to end, none fails', () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': manyTasks(150, 'sleep 0.3') });
    const [command, args] = underLimit(200, ['run', 'w.yaml', '--json']);
    const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1' } });
    expect(r.stderr).not.toMatch(/EMFILE|internal error/);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.tasks.filter((t: any) => t.status !== 'succeeded')).toEqual([]);
    // Every task ran and its output reached its log; those that waited say so there.
    const logs = readdirSync(runDir(dir)).filter((f) => f.endsWith('.log'));
    expect(logs).toHaveLength(150);
    const waited = logs.filter((f) => readFileSync(join(runDir(dir), f), 'utf8').includes('--- waited '));
    for (const f of logs) expect(readFileSync(join(runDir(dir), f), 'utf8')).toContain(`out| out-${f.replace(/\.log$/, '')}`);
    expect(waited.length).toBeGreaterThan(0);
    expect(readFileSync(join(runDir(dir), waited[0]!), 'utf8')).toMatch(/--- waited \d+\.\ds to start, for other tasks to end: the system's limit on open files or processes leaves room for no more at once \(raise it with ulimit -n or ulimit -u\)/);
  }, 150_000);

  it('says at once when the limit on open files is below what a command needs, instead of a history "unable to open" or a task failing with EMFILE', () => {
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': manyTasks(2, 'true') });
    expect(spawnSync(process.execPath, [BIN, 'run', 'w.yaml', '--renderer', 'silent'], { cwd: dir }).status).toBe(0);
    for (const args of [['run', 'w.yaml'], ['history'], ['plan', 'w.yaml']]) {
      const [command, withLimit] = underLimit(40, args);
      const r = spawnSync(command, withLimit, { cwd: dir, encoding: 'utf8' });
      expect([args[0], r.status, r.stderr]).toEqual([args[0], 2, 'orchestrate: the limit on open files is 40 (ulimit -n): orchestrate needs at least 64; raise it (ulimit -n 1024)\n']);
    }
    const [command, enough] = underLimit(64, ['run', 'w.yaml', '--renderer', 'silent']);
    expect(spawnSync(command, enough, { cwd: dir, encoding: 'utf8' }).status).toBe(0);
  });

  it('counts a task\'s timeout from when it starts, not from when it began to wait for room', () => {
    // Room for 34 tasks per spawner: the last of 150 wait a few rounds of 0.6 s, longer than their 1.5 s timeout.
    const tasks = Array.from({ length: 150 }, (_, i) => `  t${i}: { run: "${i === 0 ? 'sleep 5' : 'sleep 0.6'}", timeout: 1.5s }\n`).join('');
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': `version: 1\npolicy: { maxConcurrency: 150, gracePeriod: 1s }\ntasks:\n${tasks}` });
    const [command, args] = underLimit(200, ['run', 'w.yaml', '--json']);
    const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1' } });
    expect(r.status, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.tasks.filter((t: any) => t.status !== 'succeeded').map((t: any) => [t.id, t.errors[0].kind])).toEqual([['t0', 'timeout']]);
    const waited = readdirSync(runDir(dir)).filter((f) => f.endsWith('.log') && readFileSync(join(runDir(dir), f), 'utf8').includes('--- waited '));
    expect(waited.length).toBeGreaterThan(0);
  }, 150_000);

  it('stops tasks still waiting for room on Ctrl-C, as it stops running ones', async () => {
    const marker = `sleep 41.${process.pid % 1000}`;
    const dir = tempProject({ 'package.json': '{}', 'w.yaml': manyTasks(150, marker) });
    const [command, args] = underLimit(200, ['run', 'w.yaml', '--renderer', 'simple']);
    const child = spawn(command, args, { cwd: dir, env: { ...process.env, CI: '1' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Some tasks have started (their output is in their logs); the others wait for room.
      await waitFor(() => logsSoFar(dir) >= 20, 'tasks to start', 60_000);
      child.kill('SIGINT');
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running 30 s after Ctrl-C'), 30_000))])).toBe(130);
    } finally {
      // Its spawners then kill what they started.
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const events = readFileSync(join(runDir(dir), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const cancelled = events.filter((e) => e.type === 'task.cancelled');
    expect(cancelled).toHaveLength(150);
    // None of them starts later: no process of the run is left.
    await new Promise((r) => setTimeout(r, 500));
    expect(spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim()).toBe('');
  }, 120_000);

  it('a task refused for too many open files waits while others run, and fails saying why when none does', () => {
    // runProcess itself, in a process that has used up its open files.
    const script = `
      import { openSync, closeSync } from 'node:fs';
      import { runProcess } from ${JSON.stringify(join(ROOT, 'dist/run/spawner/run-process.js'))};
      import { SecretMasker } from ${JSON.stringify(join(ROOT, 'dist/telemetry/mask.js'))};
      const fds = [];
      try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch (error) { if (error.code !== 'EMFILE') throw error; }
      const request = (id) => ({ type: 'spawn', id, command: 'echo ran', cwd: process.cwd(), env: {}, logFile: 'task' + id + '.log', header: '# task', outputFile: 'out' + id, summaryFile: 'sum' + id });
      const later = await runProcess(request(1), { PATH: process.env.PATH }, new SecretMasker([]), undefined, () => true).done;
      const failed = await runProcess(request(2), { PATH: process.env.PATH }, new SecretMasker([]), undefined, () => false).done;
      for (const fd of fds.splice(0, 20)) closeSync(fd);
      const ran = await runProcess(request(3), { PATH: process.env.PATH }, new SecretMasker([]), undefined, () => true, 'waited 1.0s to start').done;
      console.log(JSON.stringify({ later: later === undefined, failed: failed.spawnError, ran: [ran.code, ran.tail] }));
    `;
    const dir = tempProject();
    const r = spawnSync('sh', ['-c', `ulimit -n 64 && exec "$0" --input-type=module -e "$1"`, process.execPath, script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ later: true, failed: "the system's limit on open files or processes (EMFILE) leaves no room for it, and no other task of this spawner runs to wait for: raise it (ulimit -n, ulimit -u)", ran: [0, ['waited 1.0s to start', 'ran']] });
    // The task that waits leaves nothing behind: no log, so its next try starts clean.
    expect(existsSync(join(dir, 'task1.log'))).toBe(false);
  });
});
