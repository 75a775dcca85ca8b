import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

/** Started and not ended yet: what a failed test would otherwise leave running (a run waiting for ever). */
const running = new Set<ChildProcess>();

/** Stops (SIGTERM, as `orchestrate cancel` does) every CLI started here that is still running: for `afterEach`. */
export function stopLeftovers(): void {
  for (const child of running) child.kill('SIGTERM');
  running.clear();
}

/**
 * Starts the real CLI in `dir` in the background (not in CI mode, no colour):
 * its output so far (`output` has stdout and stderr as they came), and its
 * exit code, or the signal that ended it, once it ends.
 */
export function startCli(dir: string, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '' } });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    output += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    output += d;
  });
  let endedAt = Infinity;
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => {
    endedAt = Date.now();
    resolve(code ?? signal);
  }));
  return { child, exited, stdout: () => stdout, stderr: () => stderr, output: () => output, startedAt: Date.now(), endedAt: () => endedAt };
}
