import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT, UsageError } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import { getRun, type RunRow } from '../../store/queries.js';
import { existingStatePath } from '../history-store.js';
import { writeErr, writeOut } from '../output.js';
import { runGoingOn, stillRunning } from '../run-liveness.js';
import { runNamed } from '../run-name.js';
import { visibleText } from '../../util/visible-text.js';

/** How long to wait for the runner to stop its tasks and write its record: a task's grace period and more. */
const WAIT_MS = 60_000;
/** With --force, how long the runner has to hear the first SIGTERM before the second: two at once may arrive as one. */
const SECOND_SIGNAL_MS = 250;

/**
 * `orchestrate cancel [RUN_ID]`: stops a run going on on this machine (the
 * latest such by default) as SIGTERM stops it — its tasks terminated and
 * recorded cancelled (SIGTERM, then SIGKILL after their grace period), its
 * record written (`argo stop`, `gh run cancel`) — and waits until it has.
 * `force` kills its tasks at once, without their grace period, as a second
 * Ctrl-C does (`argo terminate`, `docker kill`): a second SIGTERM.
 */
export async function cancelCommand(runId: string | undefined, options: { state?: string; force?: boolean }): Promise<number> {
  const db = openStore(await existingStatePath(process.cwd(), options.state));
  try {
    const run = runId === undefined ? runGoingOn(db) : runNamed(db, runId);
    if (!run) throw new UsageError('no run is going on on this machine');
    if (!stillRunning(run)) throw new UsageError(notRunning(run));
    process.kill(run.runner_pid!, 'SIGTERM');
    // A run suspended in its terminal (Ctrl-Z) acts on SIGTERM only once it runs again; as systemd does.
    process.kill(run.runner_pid!, 'SIGCONT');
    if (options.force) {
      await sleep(SECOND_SIGNAL_MS);
      if (stillRunning(getRun(db, run.id)!)) process.kill(run.runner_pid!, 'SIGTERM');
    }
    const until = Date.now() + WAIT_MS;
    while (stillRunning(getRun(db, run.id)!) && Date.now() < until) await sleep(100);
    const after = getRun(db, run.id)!;
    if (stillRunning(after)) {
      await writeErr(`orchestrate: run ${run.id} is still stopping after ${WAIT_MS / 1000}s (its runner is pid ${run.runner_pid})\n`);
      return EXIT.failed;
    }
    await writeOut(`cancelled run ${run.id} (${visibleText(run.workflow)}): ${after.status ?? 'its runner ended without a record'}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** Why a run cannot be cancelled from here. */
function notRunning(run: RunRow): string {
  if (run.finished_at !== null) return `run ${run.id} is not going on: it ended ${run.status ?? 'unfinished'} at ${run.finished_at}`;
  if (run.runner_host !== null && run.runner_host !== hostname()) return `run ${run.id} was started on ${run.runner_host}: cancel it there`;
  return `run ${run.id} is not going on: its runner is gone without finishing it (killed?)`;
}
