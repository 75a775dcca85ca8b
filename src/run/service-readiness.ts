import { appendFile } from 'node:fs/promises';
import { formatDuration } from '../util/duration.js';
import type { AttemptRequest } from './attempt.js';
import type { SpawnerClient } from './spawner/spawner-client.js';
import type { ExitReport } from './spawner/protocol.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/**
 * Whether a service's process became ready before it ended or was stopped:
 * once started when it has no `ready` command; else once `ready` (run as its
 * `run` is, with its variables) exits 0, tried every `interval` seconds.
 * A try taking longer than `timeout` seconds is killed and counts as not
 * ready (noted in the service's log). A try goes on no longer than the
 * service: its end (or a stop, which ends it) ends the wait with false.
 */
export async function untilReady(spawner: SpawnerClient, request: AttemptRequest, env: Record<string, string>, started: Promise<void>, ended: Promise<ExitReport>): Promise<boolean> {
  const service = request.service!;
  let over = false;
  const end = ended.then(() => {
    over = true;
    return undefined;
  });
  await Promise.race([started, end]);
  if (over || request.signal.aborted) return false;
  if (service.ready === undefined) return true;
  // Its outputs and summary files are its service's own: a try writes elsewhere, in the same private directory.
  const tryOutputs = request.outputFile.replace(/\.env$/, '.ready.env');
  const trySummary = request.outputFile.replace(/\.env$/, '.ready.md');
  for (;;) {
    const attempt = spawner.spawn({
      command: service.ready,
      cwd: request.cwd,
      env: { ...env, ORCHESTRATE_OUTPUT: tryOutputs, ORCHESTRATE_SUMMARY: trySummary },
      logFile: '/dev/null',
      header: '',
      outputFile: tryOutputs,
      summaryFile: trySummary,
      ...(request.shell ? { shell: request.shell } : {}),
    });
    let tryTimer: LongTimeout | undefined;
    const tooLong = new Promise<'too long'>((resolve) => {
      tryTimer = setLongTimeout(() => resolve('too long'), service.timeout * 1000);
    });
    const report = await Promise.race([attempt.done, end, tooLong]);
    tryTimer?.clear();
    if (report === undefined) {
      spawner.kill(attempt.id, 'SIGKILL');
      return false;
    }
    if (report === 'too long') {
      // A try that hangs counts as not ready; it ends before the next one starts.
      spawner.kill(attempt.id, 'SIGKILL');
      await appendFile(request.logFile, `--- its ready check did not finish within ${formatDuration(service.timeout)}: killed, and tried again\n`).catch(() => undefined);
      await Promise.race([attempt.done, end]);
    } else if (report.code === 0 && !report.spawnError && !report.lost) return !over && !request.signal.aborted;
    if (over || request.signal.aborted) return false;
    let timer: LongTimeout | undefined;
    await Promise.race([end, new Promise<void>((resolve) => {
      timer = setLongTimeout(resolve, service.interval * 1000);
    })]);
    timer?.clear();
    if (over || request.signal.aborted) return false;
  }
}

