import { resolve } from 'node:path';
import { EXIT } from '../../errors.js';
import { formatDuration } from '../../util/duration.js';
import { openStore } from '../../store/open-store.js';
import { countRuns, listRuns, recordedInputs, runEvents, serialSeconds, type RunRow } from '../../store/queries.js';
import { existingStatePath, findStatePath, recordedWorkflowFile } from '../history-store.js';
import { writeOut } from '../output.js';
import { runStatus } from '../run-liveness.js';
import { runNamedOrLatest } from '../run-name.js';
import { visibleText } from '../../util/visible-text.js';

async function openExisting(option: string | undefined, near: string) {
  return openStore(await existingStatePath(near, option), 'read');
}

/** The history `history` lists, if there is one yet: none is no runs yet (a --state that is not there is an error). */
async function openIfAny(option: string | undefined, near: string) {
  const found = await findStatePath(near, option);
  return found.exists ? openStore(found.path, 'read') : undefined;
}

/** What `history --status` takes (its choices are the program's): how runs ended, and the two of runs without an end. */
type HistoryStatus = 'succeeded' | 'failed' | 'cancelled' | 'running' | 'unfinished';

/**
 * The runs to show, newest first, at most `limit`: with `status`, only those
 * in it — an ended one by its record, `running`/`unfinished` (no end
 * recorded) by whether its runner is alive, read for the runs without an end.
 */
function selectRuns(db: ReturnType<typeof openStore>, file: string | undefined, status: HistoryStatus | undefined, limit: number): { runs: RunRow[]; total: () => number } {
  if (status !== 'running' && status !== 'unfinished') {
    const runs = listRuns(db, { file, ended: status }, limit);
    return { runs, total: () => (runs.length < limit ? runs.length : countRuns(db, { file, ended: status })) };
  }
  // Few runs lack an end: all of them are read, and sorted by whether their runner lives.
  const open = listRuns(db, { file, ended: null }, Number.MAX_SAFE_INTEGER).filter((run) => runStatus(run) === status);
  return { runs: open.slice(0, limit), total: () => open.length };
}

/** `orchestrate history [file]`: past runs, newest first. */
export async function historyCommand(file: string | undefined, options: { json?: boolean; state?: string; limit?: number; status?: HistoryStatus }): Promise<number> {
  const absolute = file ? resolve(await recordedWorkflowFile(file, options.state)) : undefined;
  const db = await openIfAny(options.state, absolute ? resolve(absolute, '..') : process.cwd());
  const limit = options.limit ?? 50;
  let runs: ReturnType<typeof shownRun>[] = [];
  let total = 0;
  try {
    if (db) {
      const selected = selectRuns(db, absolute, options.status, limit);
      runs = selected.runs.map((run) => shownRun(run, serialSeconds(db, run)));
      total = selected.total();
    }
  } finally {
    db?.close();
  }
  if (options.json) {
    await writeOut(`${JSON.stringify(runs, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!runs.length) {
    await writeOut(options.status ? `no ${options.status} runs recorded\n` : 'no runs recorded\n');
    return EXIT.ok;
  }
  const lines = ['run id                    started                    status      wall     speedup  cost   workflow'];
  for (const r of runs) {
    lines.push([
      r.id.padEnd(25), r.startedAt.padEnd(26), r.status.padEnd(11),
      (r.wallTime !== null ? formatDuration(r.wallTime) : '-').padEnd(8),
      (r.speedup !== null ? `${r.speedup.toFixed(2)}x` : '-').padEnd(8),
      String(r.cost ?? '-').padEnd(6), `${visibleText(r.workflow)}${r.resumedFrom ? ` (resumed ${r.resumedFrom})` : ''}`,
    ].join(' '));
  }
  if (total > runs.length) lines.push(`(the latest ${runs.length} of ${total} ${options.status ? `${options.status} ` : ''}runs; --limit ${total} shows them all)`);
  await writeOut(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/** A run as `history` shows it (`--json`). */
function shownRun(run: RunRow, serial: number) {
  return {
    id: run.id,
    workflow: run.workflow,
    file: run.file,
    startedAt: run.started_at,
    status: runStatus(run),
    wallTime: run.wall_time,
    speedup: run.wall_time ? Math.round((serial / run.wall_time) * 100) / 100 : null,
    cost: run.cost,
    resumedFrom: run.resumed_from,
    // A value that held a secret was not recorded: it shows masked, as everywhere.
    inputs: Object.fromEntries(Object.entries(recordedInputs(run)).map(([name, value]) => [name, value ?? '***'])),
  };
}

/** `orchestrate events [RUN_ID]`: a stored run's events as JSON Lines (the latest run's by default, as `logs` and `report`). */
export async function eventsCommand(runId: string | undefined, options: { state?: string }): Promise<number> {
  const db = await openExisting(options.state, process.cwd());
  try {
    const id = runNamedOrLatest(db, runId).id;
    // Written in pieces of about 1 MB: the events of a large run may be longer together than a string may be.
    let piece = '';
    for (const event of runEvents(db, id)) {
      piece += `${JSON.stringify(event)}\n`;
      if (piece.length >= 1 << 20) {
        await writeOut(piece);
        piece = '';
      }
    }
    await writeOut(piece);
    return EXIT.ok;
  } finally {
    db.close();
  }
}
