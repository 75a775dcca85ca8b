import { appendFile } from 'node:fs/promises';
import type { SecretMasker } from '../telemetry/mask.js';
import type { AttemptRequest, AttemptResult, Executor, ServiceEnd } from './attempt.js';
import { isDefaultShell } from '../workflow/shell.js';
import { reportedCost } from './reported-cost.js';
import type { SpawnerClient } from './spawner/spawner-client.js';
import { readOutputsFile } from './outputs.js';
import { TAIL_LINES } from './task-log.js';
import { untilReady } from './service-readiness.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/**
 * Runs an attempt as `sh -c <command>` (a simple command directly) in its
 * own process group (started by the spawner process), the prompt on stdin,
 * output streamed to the log. A timeout or abort sends SIGTERM to the whole
 * group and SIGKILL after the grace period; when the shell exits, anything
 * left in its group is killed. A service's attempt succeeds once it is ready;
 * its process goes on until the attempt's signal stops it.
 */
/** The largest prompt or params also given in ORCHESTRATE_PROMPT or ORCHESTRATE_PARAMS (Linux allows 128 KB for one variable, name included). */
export const MAX_TEXT_VARIABLE = 100 * 1024;

export class ShellExecutor implements Executor {
  /** Tasks whose log file could not all be written (a full disk), and why. */
  readonly unwrittenLogs = new Map<string, string>();

  constructor(private readonly masker: SecretMasker, private readonly spawner: SpawnerClient) {}

  async run(request: AttemptRequest): Promise<AttemptResult> {
    const env: Record<string, string> = {
      ...request.env,
      ORCHESTRATE_RUN_ID: request.runId,
      ORCHESTRATE_TASK_ID: request.taskId,
      ORCHESTRATE_ATTEMPT: String(request.attempt),
      // Always set, empty on a first attempt: a run started by a task must not inherit its runner's.
      ORCHESTRATE_PREVIOUS_ERROR: request.previousError?.message ?? '',
      ORCHESTRATE_PREVIOUS_ERROR_KIND: request.previousError?.kind ?? '',
      ORCHESTRATE_OUTPUT: request.outputFile,
      ORCHESTRATE_SUMMARY: request.summaryFile,
    };
    // Linux refuses to start a process with one variable over 128 KB: a larger prompt or params are in their file only
    // (and the prompt on stdin). Such a variable the workflow's `env` set is not seen either: the runner's are.
    const params = JSON.stringify(request.params);
    if (Buffer.byteLength(params) <= MAX_TEXT_VARIABLE) env.ORCHESTRATE_PARAMS = params;
    else delete env.ORCHESTRATE_PARAMS;
    let promptFile: string | undefined;
    if (request.prompt !== undefined) {
      if (Buffer.byteLength(request.prompt) <= MAX_TEXT_VARIABLE) env.ORCHESTRATE_PROMPT = request.prompt;
      else delete env.ORCHESTRATE_PROMPT;
      promptFile = request.outputFile.replace(/\.env$/, '.prompt');
      env.ORCHESTRATE_PROMPT_FILE = promptFile;
    }
    let paramsFile: string | undefined;
    if (request.agent !== undefined || Object.keys(request.params).length > 0) {
      paramsFile = request.outputFile.replace(/\.env$/, '.params.json');
      env.ORCHESTRATE_PARAMS_FILE = paramsFile;
    }
    let timedOut = false;
    let timer: LongTimeout | undefined;
    let markStarted!: () => void;
    const hasStarted = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const startedAt = performance.now();
    // The timeout counts from the process's start: a task that waits for room in its spawner (the open-files limit) is not running yet.
    const started = (ago: number) => {
      markStarted();
      if (request.timeout !== undefined) timer ??= setLongTimeout(() => {
        timedOut = true;
        terminate();
      }, Math.max(0, request.timeout * 1000 - ago));
    };
    const header = `--- attempt ${request.attempt} of ${request.taskId} started ${new Date().toISOString()}: ${request.command}`;
    // The log file is made on the attempt's first line: one that printed nothing (no tail) lacks the header until a note brings it. A service's log begins when it starts.
    let headed = false;
    const unwritten = (report: { tail: readonly string[] }) => (!headed && !request.service && report.tail.length === 0 ? header : undefined);
    const note = (report: { tail: readonly string[] }, text: string) => {
      const missing = unwritten(report);
      headed = true;
      return appendFile(request.logFile, this.masker.mask(`${missing !== undefined ? `${missing}\n` : ''}--- ${text}\n`)).catch(() => undefined);
    };
    const { id, done: exited } = this.spawner.spawn({
      command: request.command,
      cwd: request.cwd,
      env,
      prompt: request.prompt,
      logFile: request.logFile,
      header,
      ...(request.notes ? { notes: request.notes } : {}),
      outputFile: request.outputFile,
      summaryFile: request.summaryFile,
      promptFile,
      ...(paramsFile !== undefined ? { params, paramsFile } : {}),
      ...(request.captureStdout ? { captureStdout: request.captureStdout } : {}),
      // A service may be ready once started; its log begins then.
      ...(request.service ? { service: true } : {}),
      // The default travels as nothing: most requests use it.
      ...(request.shell && !isDefaultShell(request.shell) ? { shell: request.shell } : {}),
    }, request.onOutput, started);
    const done = exited.then((report) => {
      if (report.logError !== undefined) this.unwrittenLogs.set(request.taskId, report.logError);
      return report;
    });

    let cancelled = false;
    let killed = false;
    let killTimer: LongTimeout | undefined;
    const terminate = () => {
      this.spawner.kill(id, 'SIGTERM');
      killTimer ??= setLongTimeout(() => this.spawner.kill(id, 'SIGKILL'), request.gracePeriod * 1000);
    };
    const onAbort = () => {
      cancelled = true;
      terminate();
    };
    const onKill = () => {
      cancelled = true;
      killed = true;
      this.spawner.killNow(id);
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
    request.killSignal?.addEventListener('abort', onKill, { once: true });
    const settle = () => {
      timer?.clear();
      killTimer?.clear();
      request.signal.removeEventListener('abort', onAbort);
      request.killSignal?.removeEventListener('abort', onKill);
    };

    if (request.service && await untilReady(this.spawner, request, env, hasStarted, done)) {
      // Its timeout was for becoming ready: it runs on now, until the run stops it.
      timer?.clear();
      // Its outputs so far, for the tasks that need it: the file stays, the service's to write on.
      const so = readOutputsFile(request.outputFile, this.masker);
      if (so.error === undefined) {
        const exited = done.then(async (report): Promise<ServiceEnd> => {
          settle();
          if (cancelled) return { how: killed ? 'killed' : 'stopped', exitCode: report.code };
          await note(report, `the service ended on its own (${report.signal ? `killed by ${report.signal}` : `exit code ${report.code}`}) while tasks that need it could still run`);
          return { how: 'exited', exitCode: report.code };
        });
        return { ok: true, exitCode: null, signal: null, durationMs: performance.now() - startedAt, outputs: so.outputs, cost: reportedCost(so.outputs, request.costOutput).cost, tail: [], service: { exited } };
      }
      // Its outputs cannot be read: it fails as any attempt with such outputs, and is stopped.
      terminate();
      const report = await done;
      settle();
      const message = so.error;
      await note(report, `attempt ${request.attempt} failed: ${message}`);
      return { ok: false, kind: 'invalid', message, exitCode: report.code, signal: report.signal, durationMs: report.durationMs, outputs: {}, tail: report.tail };
    }

    const report = await done;
    settle();

    const outputs = report.outputs;
    const { cost, note: costNote } = reportedCost(outputs, request.costOutput);
    if (costNote !== undefined) await note(report, costNote);
    const result = (ok: boolean, kind?: AttemptResult['kind'], message?: string): AttemptResult =>
      ({ ok, kind, message, exitCode: report.code, signal: report.signal, durationMs: report.durationMs, outputs, cost, ...(report.summary !== undefined ? { summary: report.summary } : {}), tail: report.tail, unwrittenHeader: unwritten(report) });
    let outcome: AttemptResult;
    if (report.spawnError) outcome = result(false, 'spawn', `could not start: ${report.spawnError}`);
    // Cancelled first: a spawner killed because it did not answer a kill has lost a task that was being cancelled anyway.
    else if (cancelled) outcome = result(false, 'cancelled', 'cancelled');
    else if (report.lost) outcome = result(false, 'spawn', `lost: ${report.lost}; the task was killed`);
    else if (timedOut) outcome = result(false, 'timeout', `timed out after ${request.timeout}s`);
    else if (report.code !== 0) outcome = result(false, 'exit-code', report.signal ? `killed by ${report.signal}` : `exit code ${report.code}`);
    else if (request.service) outcome = result(false, 'exit-code', 'the service ended (exit code 0) before it was ready');
    else if (report.outputError) outcome = result(false, 'invalid', report.outputError);
    else outcome = result(true);
    if (!outcome.ok) {
      const failed = this.masker.mask(`attempt ${request.attempt} failed: ${outcome.message}`);
      outcome.tail = [...report.tail, failed].slice(-TAIL_LINES);
      await note(report, failed);
    }
    return outcome;
  }
}
