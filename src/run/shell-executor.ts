import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import type { SecretMasker } from '../telemetry/mask.js';
import type { AttemptRequest, AttemptResult, Executor } from './attempt.js';
import { killProcessGroup, liveProcessGroups } from './kill-process-group.js';
import { parseOutputs } from './outputs.js';
import { TaskLog } from './task-log.js';

/**
 * Runs an attempt as `sh -c <command>` in its own process group, the prompt on
 * stdin, output streamed to the log. A timeout or abort sends SIGTERM to the
 * whole group and SIGKILL after the grace period; when the shell exits, any
 * process it left in its group is killed too, so nothing outlives the task.
 */
export class ShellExecutor implements Executor {
  constructor(private readonly masker: SecretMasker) {}

  async run(request: AttemptRequest): Promise<AttemptResult> {
    const started = performance.now();
    const log = new TaskLog(request.logFile, this.masker);
    log.header(`--- attempt ${request.attempt} of ${request.taskId} started ${new Date().toISOString()}: ${request.command}`);
    const env: NodeJS.ProcessEnv = {
      ...request.env,
      ORCHESTRATE_RUN_ID: request.runId,
      ORCHESTRATE_TASK_ID: request.taskId,
      ORCHESTRATE_ATTEMPT: String(request.attempt),
      ORCHESTRATE_OUTPUT: request.outputFile,
      ORCHESTRATE_PARAMS: JSON.stringify(request.params),
    };
    if (request.prompt !== undefined) env.ORCHESTRATE_PROMPT = request.prompt;

    let child;
    try {
      child = spawn('/bin/sh', ['-c', request.command], {
        cwd: request.cwd,
        env,
        detached: true,
        stdio: [request.prompt !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      log.note(`could not start: ${(error as Error).message}`);
      await log.close();
      return { ok: false, kind: 'spawn', message: `could not start: ${(error as Error).message}`, exitCode: null, signal: null, durationMs: performance.now() - started, outputs: {}, tail: log.tail() };
    }
    log.attach(child.stdout, 'out');
    log.attach(child.stderr, 'err');
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(request.prompt);
    }

    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const pid = child.pid;
    if (pid !== undefined) liveProcessGroups.add(pid);
    const terminate = () => {
      if (pid === undefined) return;
      killProcessGroup(pid, 'SIGTERM');
      killTimer ??= setTimeout(() => killProcessGroup(pid, 'SIGKILL'), request.gracePeriod * 1000);
      killTimer.unref?.();
    };
    const timer = request.timeout !== undefined
      ? setTimeout(() => {
        timedOut = true;
        terminate();
      }, request.timeout * 1000)
      : undefined;
    const onAbort = () => {
      cancelled = true;
      terminate();
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    const onKill = () => {
      cancelled = true;
      if (pid !== undefined) killProcessGroup(pid, 'SIGKILL');
    };
    request.killSignal?.addEventListener('abort', onKill, { once: true });

    const [code, signal, spawnError] = await new Promise<[number | null, NodeJS.Signals | null, Error | undefined]>((resolve) => {
      child.once('error', (error) => resolve([null, null, error]));
      child.once('exit', (c, s) => {
        // Whatever the shell left behind in its group dies with it.
        if (pid !== undefined) {
          killProcessGroup(pid, 'SIGKILL');
          liveProcessGroups.delete(pid);
        }
        resolve([c, s, undefined]);
      });
    });
    await new Promise<void>((resolve) => {
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return resolve();
      let open = 2;
      const done = () => --open <= 0 && resolve();
      for (const s of [child.stdout, child.stderr]) {
        if (!s || s.readableEnded) done();
        else s.once('close', done);
      }
    });
    if (timer) clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    request.signal.removeEventListener('abort', onAbort);
    request.killSignal?.removeEventListener('abort', onKill);

    let outputs: Record<string, string> = {};
    try {
      const parsed = parseOutputs(await readFile(request.outputFile, 'utf8'));
      outputs = this.masker.maskDeep(parsed.outputs);
      for (const problem of parsed.problems) log.note(problem);
    } catch {
      // No output file: the task reported nothing.
    }
    // The file may hold secrets in clear; the masked outputs are kept instead.
    await rm(request.outputFile, { force: true });
    const durationMs = performance.now() - started;
    const reported = outputs.cost !== undefined && outputs.cost.trim() !== '' && Number.isFinite(Number(outputs.cost)) ? Number(outputs.cost) : undefined;
    const result = (ok: boolean, kind?: AttemptResult['kind'], message?: string): AttemptResult =>
      ({ ok, kind, message, exitCode: code, signal, durationMs, outputs, cost: reported, tail: log.tail() });
    let outcome: AttemptResult;
    if (spawnError) outcome = result(false, 'spawn', `could not start: ${spawnError.message}`);
    else if (cancelled) outcome = result(false, 'cancelled', 'cancelled');
    else if (timedOut) outcome = result(false, 'timeout', `timed out after ${request.timeout}s`);
    else if (code !== 0) outcome = result(false, 'exit-code', signal ? `killed by ${signal}` : `exit code ${code}`);
    else outcome = result(true);
    if (!outcome.ok) log.note(`attempt ${request.attempt} failed: ${outcome.message}`);
    outcome.tail = log.tail();
    await log.close();
    return outcome;
  }
}
