import { userInfo } from 'node:os';
import { EXIT, UsageError } from '../../errors.js';
import { awaitingApproval, decide, type AwaitingApproval } from '../../store/approvals.js';
import { openStore } from '../../store/open-store.js';
import { unfinishedRuns, type RunRow } from '../../store/queries.js';
import { suggestion } from '../../util/suggest.js';
import { existingStatePath } from '../history-store.js';
import { writeOut } from '../output.js';
import { stillRunning } from '../run-liveness.js';
import { runNamed } from '../run-name.js';
import { visibleText } from '../../util/visible-text.js';

/**
 * `orchestrate approve TASK...` / `orchestrate reject TASK...`: a decision on
 * tasks that wait for approval in a run going on on this machine (the one
 * where each waits, or `--run`), written into the run history, where their
 * runner reads it within a moment. Only a waiting task can be decided, once.
 */
export async function decideCommand(tasks: string[], approved: boolean, options: { run?: string; reason?: string; state?: string }): Promise<number> {
  const db = openStore(await existingStatePath(process.cwd(), options.state));
  try {
    const runs = liveRuns(db, options.run);
    const waiting = runs.map((run) => ({ run, tasks: awaitingApproval(db, run.id) }));
    // Every task is checked before any decision is written: a typo decides nothing.
    const found = tasks.map((task) => {
      const where = waiting.filter((w) => w.tasks.some((t) => t.task === task)).map((w) => w.run);
      if (!where.length) throw new UsageError(notWaiting(task, waiting, options.run === undefined ? undefined : runs[0]!.id));
      // Two runs of one workflow may wait on the same task: deciding for the wrong one is not a guess to make.
      if (where.length > 1) throw new UsageError(`task "${task}" waits for approval in ${where.length} runs (${where.map((r) => r.id).join(', ')}): name one with --run`);
      return { task, run: where[0]! };
    });
    const by = userName();
    const lines: string[] = [];
    for (const { task, run } of found) {
      if (!decide(db, run.id, { task, approved, by, reason: options.reason ?? null }, new Date())) throw new UsageError(`task "${task}" of run ${run.id} has been decided already`);
      lines.push(`${approved ? 'approved' : 'rejected'} ${task} (run ${run.id}, ${visibleText(run.workflow)})\n`);
    }
    await writeOut(lines.join(''));
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** The runs a decision may be for: `--run`'s (it must be going on here), else every run going on on this machine. */
function liveRuns(db: ReturnType<typeof openStore>, runId: string | undefined): RunRow[] {
  if (runId === undefined) {
    const runs = unfinishedRuns(db).filter(stillRunning);
    if (!runs.length) throw new UsageError('no run is going on on this machine');
    return runs;
  }
  const run = runNamed(db, runId);
  if (!stillRunning(run)) throw new UsageError(`run ${run.id} is not going on on this machine${run.finished_at ? `: it ended ${run.status ?? 'unfinished'}` : ''}`);
  return [run];
}

/** Why a task cannot be decided: what waits instead, with a "did you mean". */
function notWaiting(task: string, waiting: Array<{ run: RunRow; tasks: AwaitingApproval[] }>, runId: string | undefined): string {
  const ids = waiting.flatMap((w) => w.tasks.map((t) => t.task));
  const where = runId === undefined ? 'in a run going on on this machine' : `in run ${runId}`;
  if (!ids.length) return `task "${task}" is not waiting for approval ${where}: no task is`;
  return `task "${task}" is not waiting for approval ${where}${suggestion(task, ids) || ''} (waiting: ${ids.join(', ')})`;
}

/** Who decides: the user's login name. */
function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
