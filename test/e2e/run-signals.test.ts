import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempProject } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { isAlive } from '../helpers/processes.js';
import { noOpTasks, runWithEventsPipe } from '../helpers/events-pipe.js';

const workflow = `version: 1
policy: { maxConcurrency: 4, gracePeriod: 1s }
tasks:
  a: { run: "sh -c 'sleep 60 & echo $! > a.bg; wait' & echo $! > a.pid; sleep 60" }
  b: { run: "trap '' TERM; echo $$ > b.pid; sleep 60 & wait; sleep 60" }
  c: { run: "sleep 60", needs: a }
  d: { run: "echo notified > notified.txt", needs: b, if: always }
`;

/** `detached`: in a process group of its own, as a terminal's job is, so the group can be signalled as a terminal does. */
function startRun(dir: string, spawners = '1', detached = false) {
  const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, detached, env: { ...process.env, CI: '1', ORCHESTRATE_SPAWNERS: spawners } });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => stdout };
}

/** The pid a task wrote to `file`, once it is there. */
async function pidFrom(dir: string, file: string): Promise<number> {
  await waitFor(() => existsSync(join(dir, file)) && readFileSync(join(dir, file), 'utf8').trim() !== '');
  return Number(readFileSync(join(dir, file), 'utf8'));
}

function pids(dir: string): number[] {
  return ['a.pid', 'a.bg', 'b.pid'].map((f) => Number(readFileSync(join(dir, f), 'utf8')));
}

function events(dir: string): any[] {
  const runs = join(dir, '.orchestrate/runs');
  const run = readdirSync(runs)[0]!;
  return readFileSync(join(runs, run, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('signals', () => {
  it.each([['one spawner process', '1'], ['two spawner processes', '2']])('SIGINT terminates every task process group (%s), records them cancelled, flushes telemetry and exits 130', async (_how, spawners) => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const run = startRun(dir, spawners);
    await waitFor(() => ['a.pid', 'a.bg', 'b.pid'].every((f) => existsSync(join(dir, f)) && readFileSync(join(dir, f), 'utf8').trim() !== ''));
    run.child.kill('SIGINT');
    const code = await run.exited;
    expect(code).toBe(130);
    // b ignores SIGTERM: it dies by SIGKILL after the grace period, before the runner exits.
    for (const pid of pids(dir)) expect(isAlive(pid), `pid ${pid} survived`).toBe(false);
    const ev = events(dir);
    const terminal = Object.fromEntries(ev.filter((e) => /^task\.(succeeded|failed|skipped|cancelled)$/.test(e.type)).map((e) => [e.taskId, `${e.type}:${e.reason}`]));
    expect(terminal).toEqual({ a: 'task.cancelled:interrupted', b: 'task.cancelled:interrupted', c: 'task.cancelled:interrupted', d: 'task.cancelled:interrupted' });
    expect(ev[ev.length - 1]).toMatchObject({ type: 'workflow.finished', status: 'cancelled' });
    expect(existsSync(join(dir, 'notified.txt'))).toBe(false);
    expect(run.output()).toContain('SIGINT received');
  });

  it('kill -9 of the runner takes its tasks with it: the spawner kills them, and removes the outputs they wrote in clear', async () => {
    // The output file's directory is the run's private one in the temporary directory.
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo token=abc >> $ORCHESTRATE_OUTPUT; echo $ORCHESTRATE_OUTPUT > out.path; echo $$ > a.pid; sleep 60" }\n' });
    const run = startRun(dir, '2');
    const pid = await pidFrom(dir, 'a.pid');
    const outputs = dirname(readFileSync(join(dir, 'out.path'), 'utf8').trim());
    expect(readdirSync(outputs).length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor(() => !isAlive(pid), 'the process to end', 10_000);
    expect(isAlive(pid)).toBe(false);
    await waitFor(() => !existsSync(outputs), 'the outputs directory to be removed', 10_000);
    expect(existsSync(outputs)).toBe(false);
  });

  it('a spawner killed mid-run takes its tasks with it; the run reports them and goes on with a new spawner', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo $$ > a.pid; sleep 60" }\n  b: { run: "echo ran > b.txt", needs: a, if: always }\n' });
    const run = startRun(dir);
    const pid = await pidFrom(dir, 'a.pid');
    // The task's shell is a child of the spawner.
    const spawner = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    expect(spawner).not.toBe(run.child.pid);
    process.kill(spawner, 'SIGKILL');
    expect(await run.exited).toBe(1);
    await waitFor(() => !isAlive(pid), 'the process to end', 10_000);
    const ev = events(dir);
    const failed = ev.find((e) => e.type === 'task.failed' && e.taskId === 'a');
    expect(failed).toMatchObject({ errorKind: 'spawn' });
    expect(failed.reason).toContain('spawner process died');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8').trim()).toBe('ran');
  });

  it('goes on when its output pipe closes (`| head -1`): the run finishes, is recorded and exits with its own code', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "sleep 0.3" }\n  b: { run: "echo done > b.txt", needs: a }\n' });
    const child = spawn(process.execPath, [BIN, 'run', 'workflow.yaml', '--renderer', 'simple'], { cwd: dir, env: { ...process.env, CI: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `head -1`: read the first line, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('internal error');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8').trim()).toBe('done');
    expect(events(dir).at(-1)).toMatchObject({ type: 'workflow.finished', status: 'succeeded' });
  });

  it.skipIf(!existsSync('/proc/self/environ'))('ends an attempt with its shell even when a daemon holds its output, and kills that daemon when the run ends (Linux: found by ORCHESTRATE_RUN_ID)', async () => {
    // The daemon writes its pid once it runs in its own session; the task's shell waits for that, then exits.
    const task = `setsid sh -c 'echo $$ > daemon.pid; exec sleep 30' & while [ ! -s daemon.pid ]; do sleep 0.01; done; echo started`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\ntasks:\n  a: { run: ${JSON.stringify(task)} }\n  b: { run: "echo b > b.txt", needs: a }\n` });
    const started = Date.now();
    const run = startRun(dir);
    expect(await run.exited).toBe(0);
    // Not the daemon's 30 s: the shell's exit plus a moment to drain.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8').trim()).toBe('b');
    const runDir = join(dir, '.orchestrate/runs', readdirSync(join(dir, '.orchestrate/runs'))[0]!);
    expect(readFileSync(join(runDir, 'a.log'), 'utf8')).toContain("stopped reading output 1s after the task's shell exited");
    const daemon = Number(readFileSync(join(dir, 'daemon.pid'), 'utf8'));
    await waitFor(() => !isAlive(daemon), 'the daemon to end', 10_000);
    expect(isAlive(daemon)).toBe(false);
  });

  it.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s stops the run the same way and exits %i', async (signal, code) => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo $$ > a.pid; sleep 60" }\n' });
    const run = startRun(dir, '1', true);
    const pid = await pidFrom(dir, 'a.pid');
    // To the runner's whole process group, spawner included, as a closing terminal sends SIGHUP.
    process.kill(-run.child.pid!, signal);
    expect(await run.exited).toBe(code);
    expect(isAlive(pid)).toBe(false);
    const ev = events(dir);
    expect(ev.find((e) => e.type === 'task.cancelled')).toMatchObject({ taskId: 'a', reason: 'interrupted' });
    expect(ev.at(-1)).toMatchObject({ type: 'workflow.finished', status: 'cancelled' });
  });

  it.each([['SIGQUIT', 'Ctrl-\\ in a terminal'], ['SIGKILL', 'timeout -s KILL, kill -9 -PGID']] as const)('%s to the runner\'s whole process group (%s) leaves no task running', async (signal) => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "echo $$ > a.pid; sleep 60" }\n  b: { run: "setsid sleep 60 & echo $! > b.pid; sleep 60" }\n' });
    const run = startRun(dir, '2', true);
    const pids = [await pidFrom(dir, 'a.pid'), await pidFrom(dir, 'b.pid')];
    // The runner cannot answer it: its spawners, in groups of their own, see it gone and kill its tasks.
    process.kill(-run.child.pid!, signal);
    await run.exited;
    for (const pid of pids) await waitFor(() => !isAlive(pid), `task process ${pid} to end`, 10_000);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('SIGQUIT (Ctrl-\\) kills every task at once, starts no cleanup task, records them cancelled and exits 131', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\npolicy: { gracePeriod: 30s }\ntasks:\n  b: { run: "trap \'\' TERM; echo $$ > b.pid; sleep 60 & wait; sleep 60" }\n  cleanup: { needs: b, if: always, runOnInterrupt: true, run: "touch cleaned" }\n' });
    const run = startRun(dir);
    const pid = await pidFrom(dir, 'b.pid');
    const started = Date.now();
    run.child.kill('SIGQUIT');
    expect(await run.exited).toBe(131);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(join(dir, 'cleaned'))).toBe(false);
    expect(run.output()).toContain('orchestrate: SIGQUIT received, killing every task at once');
    const ev = events(dir);
    expect(ev.find((e) => e.type === 'task.cancelled' && e.taskId === 'b')).toMatchObject({ reason: 'interrupted' });
    expect(ev.at(-1)).toMatchObject({ type: 'workflow.finished', status: 'cancelled' });
  });

  it('SIGTSTP (Ctrl-Z) suspends the tasks with the runner; SIGCONT (fg, bg) lets them go on, and a timeout that passed meanwhile ends its task', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\npolicy: { maxConcurrency: 2 }\ntasks:\n  a: { run: "echo $$ > a.pid; for i in $(seq 1 20); do echo $i >> ticks; sleep 0.1; done" }\n  t: { run: "sleep 30", timeout: 1500ms }\n  b: { run: "echo b > b.txt", needs: a }\n' });
    const run = startRun(dir);
    const pid = await pidFrom(dir, 'a.pid');
    const ticks = () => (existsSync(join(dir, 'ticks')) ? readFileSync(join(dir, 'ticks'), 'utf8').trim().split('\n').length : 0);
    await waitFor(() => ticks() >= 2, 'the task to tick');
    run.child.kill('SIGTSTP');
    const state = (p: number) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
    await waitFor(() => state(run.child.pid!) === 'T', 'the runner to stop', 10_000);
    await waitFor(() => state(pid) === 'T', 'the task to stop', 10_000);
    const stoppedAt = ticks();
    // Longer than t's timeout: it passes while the run is suspended.
    await new Promise((r) => setTimeout(r, 1600));
    expect(ticks()).toBe(stoppedAt);
    expect(stoppedAt).toBeLessThan(20);
    run.child.kill('SIGCONT');
    expect(await run.exited).toBe(1);
    expect(ticks()).toBe(20);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b\n');
    expect(events(dir).find((e) => e.type === 'task.failed' && e.taskId === 't')).toMatchObject({ errorKind: 'timeout' });
  });

  it('after Ctrl-Z and fg in an interactive shell, live progress goes on below the shell\'s lines instead of drawing over them', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "sleep 2" }\n  b: { run: "sleep 2" }\n' });
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.CI;
    // A shell with job control in a terminal, as a person has: ^Z is the terminal's suspend key there.
    const shell = spawn('script', ['-qec', 'bash --norc -i', '/dev/null'], { cwd: dir, env });
    let out = '';
    shell.stdout.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => shell.on('exit', resolve));
    try {
      shell.stdin.write("PS1='prompt$ '\n");
      await waitFor(() => out.includes('prompt$ '), 'the shell');
      shell.stdin.write(`stty cols 100 rows 30; ${process.execPath} ${BIN} run workflow.yaml\n`);
      await waitFor(() => out.includes('slot 2: b'), 'the lanes');
      shell.stdin.write('\x1a');
      await waitFor(() => /Stopped[^\n]*\n[^\n]*prompt\$ /.test(out), 'the job to stop', 10_000);
      shell.stdin.write('fg\n');
      await waitFor(() => out.includes('workflow succeeded'), 'the run to end', 30_000);
    } finally {
      shell.stdin.write('exit\n');
    }
    await exited;
    // Suspended, the run gave the shell its cursor back (Listr2 hides it while it draws).
    expect(out.slice(out.indexOf('^Z'), out.indexOf('Stopped'))).toContain('\x1b[?25h');
    // bash echoes the job it resumes; what the run draws next starts below it, erasing no line above.
    const afterFg = out.slice(out.indexOf('\n', out.indexOf('prompt$ fg')) + 1);
    const resumed = afterFg.slice(afterFg.indexOf('\n') + 1);
    expect(afterFg.split('\n')[0]).toContain('run workflow.yaml');
    expect(resumed.slice(0, resumed.indexOf('slot 1:'))).not.toContain('\x1b[1A');
    expect(out).toMatch(/2\/2 done: 2 ok/);
  });

  it('Ctrl-C in a terminal says at once, above the live progress, that the run is stopping; a second one kills at once', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\npolicy: { gracePeriod: 60s }\ntasks:\n  a: { run: "trap \'\' TERM; sleep 60 & wait; sleep 60" }\n' });
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.CI;
    const terminal = spawn('script', ['-qec', `stty cols 100 rows 30; exec ${process.execPath} ${BIN} run workflow.yaml`, '/dev/null'], { cwd: dir, env });
    let out = '';
    terminal.stdout.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => terminal.on('exit', resolve));
    let interrupts = 0;
    const interrupt = () => {
      interrupts++;
      terminal.stdin.write('\x03');
    };
    try {
      await waitFor(() => out.includes('slot 1: a'), 'the lanes');
      interrupt();
      // The task ignores SIGTERM and the grace period is a minute: the line comes while the run waits for it.
      await waitFor(() => out.includes('orchestrate: SIGINT received, stopping (again to kill at once)'), 'the line that says so', 15_000);
      const said = out.indexOf('orchestrate: SIGINT received');
      await waitFor(() => out.indexOf('slot 1: a', said) !== -1, 'the lanes drawn again below it');
    } finally {
      // The second Ctrl-C kills at once, also when an expectation above failed.
      while (interrupts < 2) interrupt();
    }
    expect(await exited).toBe(130);
    expect(out.split('SIGINT received')).toHaveLength(2);
  });

  it('a second SIGINT kills at once, without waiting for the grace period', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\npolicy: { gracePeriod: 30s }\ntasks:\n  b: { run: "trap \'\' TERM; echo $$ > b.pid; sleep 60 & wait; sleep 60" }\n' });
    const run = startRun(dir);
    const pid = await pidFrom(dir, 'b.pid');
    const started = Date.now();
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(isAlive(pid)).toBe(false);
  });

  it('a second SIGINT kills at once even when the spawner is stuck: the runner kills the task and the spawner', async () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': 'version: 1\npolicy: { gracePeriod: 30s }\ntasks:\n  b: { run: "trap \'\' TERM; echo $$ > b.pid; sleep 60" }\n' });
    const run = startRun(dir);
    const pid = await pidFrom(dir, 'b.pid');
    const spawner = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    // Stopped, it answers nothing: neither the kill nor the task's end.
    process.kill(spawner, 'SIGSTOP');
    try {
      run.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 300));
      run.child.kill('SIGINT');
      await waitFor(() => !isAlive(pid), 'the task to be killed by the runner', 10_000);
      expect(await run.exited).toBe(130);
      await waitFor(() => !isAlive(spawner), 'the stuck spawner to be killed', 10_000);
      expect(events(dir).find((e) => e.taskId === 'b' && e.type.startsWith('task.') && e.type !== 'task.queued' && e.type !== 'task.started')).toMatchObject({ type: 'task.cancelled' });
    } finally {
      if (isAlive(spawner)) process.kill(spawner, 'SIGKILL');
    }
  });

  it('goes on with other tasks while it fingerprints large sources, and SIGINT stops it there too', async () => {
    const dir = tempProject({
      'package.json': '{}',
      'huge.bin': '',
      'workflow.yaml': `version: 1
policy: { maxConcurrency: 4 }
tasks:
  hash: { run: "true", sources: [huge.bin] }
  other: { run: "sleep 0.3" }
  later: { run: "echo ran > later.txt", needs: other }
`,
    });
    // 100 GB of holes: reading them takes minutes, while the file takes no disk space.
    truncateSync(join(dir, 'huge.bin'), 100 * 2 ** 30);
    try {
      const run = startRun(dir);
      // \`later\` starts after \`other\` ends, and ends, while \`hash\` is being fingerprinted (its file is there
      // before it ends: the redirection makes it, so that alone would let the SIGINT cancel it).
      await waitFor(() => /ok +later/.test(run.output()), 'later to end', 30_000);
      expect(existsSync(join(dir, 'later.txt'))).toBe(true);
      expect(run.output()).toContain('start hash');
      expect(run.output()).not.toMatch(/ok +hash/);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      const ends = events(dir).filter((e) => e.type.startsWith('task.') && ['succeeded', 'failed', 'cancelled', 'skipped'].includes(e.type.slice(5)));
      // Its process had exited 0: it succeeded, with no fingerprint kept (so it runs again next time).
      expect(ends.find((e) => e.taskId === 'hash')?.type).toBe('task.succeeded');
      expect(ends.find((e) => e.taskId === 'later')?.type).toBe('task.succeeded');
    } finally {
      rmSync(join(dir, 'huge.bin'), { force: true });
    }
  }, 60_000);

  it('exits 130 after a Ctrl-C that comes while the run writes its record, and at once on a second one', { timeout: 60_000 }, async () => {
    // The events go to a pipe the test does not read: the run waits in its last step, every task ended.
    const start = () => runWithEventsPipe(tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1\ntasks:\n${noOpTasks(300)}` }), ['--renderer', 'silent'], { CI: '1' });
    const once = start();
    const reader = await open(once.fifo, 'r');
    try {
      await waitFor(once.ended);
      once.child.kill('SIGINT');
      let events = '';
      for await (const chunk of reader.createReadStream({ encoding: 'utf8' })) events += chunk;
      expect(await once.exited).toBe(130);
      // Nothing was cut short: every event reached the pipe.
      expect(events.trim().split('\n').map((l) => JSON.parse(l).type).at(-1)).toBe('workflow.finished');
    } finally {
      once.child.kill('SIGKILL');
      await reader.close().catch(() => undefined);
    }
    const twice = start();
    const unread = await open(twice.fifo, 'r');
    try {
      await waitFor(twice.ended);
      twice.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      twice.child.kill('SIGINT');
      // It ends as the signal ends a process (130 in a shell); process.exit would wait for the stuck write.
      expect(await twice.exited).toBe('SIGINT');
    } finally {
      twice.child.kill('SIGKILL');
      await unread.close().catch(() => undefined);
    }
  });
});
