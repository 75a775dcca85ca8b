import { basename, dirname, join, relative, resolve } from 'node:path';
import { taskLogName } from '../../run/file-names.js';
import { runDirectory } from '../../run/run-dir.js';
import { lastPrintedLine } from '../last-printed-line.js';
import { EXIT } from '../../errors.js';
import { awaitingApproval } from '../../store/approvals.js';
import { openStore } from '../../store/open-store.js';
import { recordedSelection, runProgress, serviceSpans, storedWaits, type RunRow } from '../../store/queries.js';
import { STDIN_NAME } from '../../workflow/stdin.js';
import { resumeCommand } from '../resume-command.js';
import { existingStatePath } from '../history-store.js';
import { formatRunStatus, type RunStatus } from '../../report/run-status.js';
import { writeOut } from '../output.js';
import { runGoingOn, runStatus } from '../run-liveness.js';
import { runNamedOrLatest } from '../run-name.js';

/**
 * The command that resumes a run that ended without succeeding, or whose runner
 * is gone: its file and selection, said from here. None for a run recorded
 * before its selection was kept, or of a workflow read from standard input.
 */
function resumeOf(run: RunRow, state: string, stateOption: string | undefined): string | undefined {
  if (state === 'succeeded' || state === 'running' || basename(run.file) === STDIN_NAME) return undefined;
  const selection = recordedSelection(run);
  if (!selection) return undefined;
  const here = (path: string) => relative(process.cwd(), path) || path;
  const config = selection.config === undefined ? undefined : here(resolve(dirname(run.file), selection.config));
  return resumeCommand(here(run.file), { ...selection, config }, stateOption, run.id);
}

/**
 * `orchestrate status [RUN_ID]`: where a run is — the one going on on this
 * machine by default (else the latest): its tasks by state and those running
 * now with their attempt and time, the services up, from the history it writes as it goes.
 */
export async function statusCommand(runId: string | undefined, options: { json?: boolean; state?: string }): Promise<number> {
  const db = openStore(await existingStatePath(process.cwd(), options.state), 'read');
  let status: RunStatus;
  try {
    const run = runNamedOrLatest(db, runId ?? runGoingOn(db)?.id);
    const progress = runProgress(db, run.id);
    const state = runStatus(run);
    const live = state === 'running';
    const now = Date.now();
    const ended = run.finished_at !== null ? Date.parse(run.finished_at) : now;
    const count = (s: string) => progress.ended.get(s) ?? 0;
    const endedCount = [...progress.ended.values()].reduce((a, b) => a + b, 0);
    // Attempts recorded running in a run that is not going on did not end: they are not running.
    const running = live ? progress.running : [];
    status = {
      id: run.id,
      workflow: run.workflow,
      status: state,
      startedAt: run.started_at,
      finishedAt: run.finished_at,
      elapsed: Math.max(0, (ended - Date.parse(run.started_at)) / 1000),
      cost: progress.spent,
      counts: {
        succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped'), cancelled: count('cancelled'),
        running: running.length,
        waiting: live && progress.total !== undefined ? Math.max(0, progress.total - endedCount - running.length) : 0,
      },
      running: running.map((a) => {
        const lastLine = lastPrintedLine(join(runDirectory(dirname(run.file), run.id), taskLogName(a.task)));
        return { task: a.task, attempt: a.attempt, startedAt: a.startedAt, elapsed: Math.max(0, (now - Date.parse(a.startedAt)) / 1000), ...(lastLine !== undefined ? { lastLine } : {}) };
      }),
      up: live ? serviceSpans(db, run.id).filter((u) => u.stoppedAt === null).map((u) => ({ task: u.task, since: u.since, elapsed: Math.max(0, (now - Date.parse(u.since)) / 1000) })) : [],
      failed: progress.failed.map((f) => f.task),
      failures: progress.failed.map((f) => ({ task: f.task, reason: f.reason, lastLines: f.tail })),
      awaiting: live ? awaitingApproval(db, run.id) : [],
      waits: live ? storedWaits(run).map(({ freesAt, ...wait }) => {
        const freesIn = freesAt === undefined ? 0 : (freesAt - now) / 1000;
        return freesIn > 0 ? { ...wait, freesIn } : wait;
      }) : [],
    };
    const resume = resumeOf(run, state, options.state);
    if (resume) status.resume = resume;
  } finally {
    db.close();
  }
  await writeOut(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatRunStatus(status));
  return EXIT.ok;
}
