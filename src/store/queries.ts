import type { LimitWait, WaitingNow } from '../plan/waits.js';
import type { RunEvent } from '../telemetry/events.js';
import type { Database } from './open-store.js';
import { byName } from '../util/natural-order.js';
import { roundCost } from '../util/round-cost.js';

export interface RunRow {
  id: string;
  workflow: string;
  file: string;
  content_hash: string;
  started_at: string;
  finished_at: string | null;
  status: string | null;
  concurrency: number;
  resumed_from: string | null;
  wall_time: number | null;
  /** The attempts' run times added up, seconds, as the run measured them (null for runs recorded before it was kept). */
  serial_time: number | null;
  cost: number | null;
  runner_pid: number | null;
  runner_host: string | null;
  /** When the runner's process started (ms since the epoch), to tell it from a later process with its pid. */
  runner_started: number | null;
  /** JSON of the run's input values; null in a value that held a secret (and was not kept). */
  inputs: string | null;
  /** While it runs: JSON of what its ready tasks wait for (StoredWait[]); absent in a history from before it was kept. */
  waits?: string | null;
  /** JSON of how it chose its tasks and its per-run flags (TaskSelection); absent in a history from before it was kept, null when its words held a secret. */
  selection?: string | null;
}

/** A limit ready tasks of a run going on wait for, as the runner keeps it for `status`: how many, and when a rate window or a Retry-After frees (ms since the epoch). */
export interface StoredWait {
  limit: WaitingNow['limit'];
  name: string | null;
  capacity?: number;
  per?: number;
  tasks: number;
  freesAt?: number;
}

/** What a run's ready tasks wait for, as its runner last wrote it; nothing for a value that is not one (edited by hand). */
export function storedWaits(run: Pick<RunRow, 'waits'>): StoredWait[] {
  if (!run.waits) return [];
  try {
    const parsed = JSON.parse(run.waits) as unknown;
    return Array.isArray(parsed) ? parsed.filter((w): w is StoredWait => w !== null && typeof w === 'object' && typeof w.limit === 'string' && typeof w.tasks === 'number') : [];
  } catch {
    return [];
  }
}

/**
 * How a run was asked for, as its command line said it: the tasks it chose
 * and its per-run policy flags, what a resume says again to run the same part
 * the same way (the history keeps the config file's path from the workflow's directory).
 */
export interface TaskSelection {
  /** The task ids after the file. */
  tasks?: string[];
  only?: string;
  since?: string;
  /** The config file given with `-c`. */
  config?: string;
  failFast?: boolean;
  keepGoing?: boolean;
  /** `--timeout`, seconds. */
  timeout?: number;
  budget?: number;
}

/** How a run chose its tasks and its per-run flags; none for a run recorded before it was kept, or whose words held a secret (not kept). */
export function recordedSelection(run: Pick<RunRow, 'selection'>): TaskSelection | undefined {
  if (!run.selection) return undefined;
  try {
    const parsed = JSON.parse(run.selection) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as TaskSelection : undefined;
  } catch {
    return undefined;
  }
}

/** The input values recorded with a run; null for one that held a secret (not kept). */
export function recordedInputs(run: Pick<RunRow, 'inputs'>): Record<string, string | null> {
  if (!run.inputs) return {};
  try {
    const parsed = JSON.parse(run.inputs) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, string | null> : {};
  } catch {
    return {};
  }
}

export function getRun(db: Database, id: string): RunRow | undefined {
  return db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
}

/**
 * The runs a part of an id may name, the latest first, at most `limit`: those
 * whose id starts with it, or whose random part (after the `-`) does.
 */
export function runsNamed(db: Database, part: string, limit: number): RunRow[] {
  return db.prepare(`SELECT * FROM runs
    WHERE substr(id, 1, length(@part)) = @part OR (instr(id, '-') > 0 AND substr(id, instr(id, '-') + 1, length(@part)) = @part)
    ORDER BY started_at DESC, rowid DESC LIMIT @limit`).all({ part, limit }) as RunRow[];
}

/** The latest run of a workflow file. */
export function latestRun(db: Database, file: string): RunRow | undefined {
  return db.prepare('SELECT * FROM runs WHERE file = ? ORDER BY started_at DESC, rowid DESC LIMIT 1').get(file) as RunRow | undefined;
}

/** The latest run of the workflow with that name, or of that file (its path, or a name that ends one: `ci.yaml`). */
export function latestRunOfWorkflow(db: Database, name: string, path: string): RunRow | undefined {
  return db.prepare(`SELECT * FROM runs WHERE workflow = @name OR file = @path OR substr(file, -length(@end)) = @end
    ORDER BY started_at DESC, rowid DESC LIMIT 1`).get({ name, path, end: `/${name}` }) as RunRow | undefined;
}

/** Every recorded task of a run: id -> final status. */
export function taskStatuses(db: Database, runId: string): Map<string, string> {
  const rows = db.prepare('SELECT task_id, status FROM tasks WHERE run_id = ?').all(runId) as Array<{ task_id: string; status: string }>;
  return new Map(rows.map((r) => [r.task_id, r.status]));
}

/**
 * The order in which a run came to its tasks (their first event: queued,
 * waiting for approval, skipped...): the order they became ready or were
 * decided in, the workflow's among those at once.
 */
export function taskOrder(db: Database, runId: string): Map<string, number> {
  const rows = db.prepare(`SELECT json_extract(event, '$.taskId') AS task, MIN(seq) AS seq FROM events
    WHERE run_id = ? AND event LIKE '%"taskId":%' GROUP BY task HAVING task IS NOT NULL`).all(runId) as Array<{ task: string; seq: number }>;
  return new Map(rows.map((r) => [r.task, r.seq]));
}

/** Compares task ids in the order a run came to them (taskOrder), names it never came to after, in natural order. */
export function inRunOrder(order: ReadonlyMap<string, number>): (a: string, b: string) => number {
  const at = (task: string) => order.get(task) ?? Infinity;
  return (a, b) => {
    const [x, y] = [at(a), at(b)];
    // Two names it never came to are both at Infinity, and Infinity - Infinity is NaN.
    return (x === y ? 0 : x - y) || byName(a, b);
  };
}

/**
 * The latest recorded end of each of these tasks in runs of the workflow file
 * (a skip is not an end, nor a reuse by --resume: the success it reused is).
 */
export function lastEnds(db: Database, file: string, taskIds: readonly string[]): Map<string, { status: string; hash: string; outputs: Record<string, string>; sources: string | null; inputs: Record<string, string | null>; summary: string | null; finishedAt: string | null }> {
  const latest = db.prepare(`SELECT t.status, t.definition_hash, t.outputs, t.sources_hash, t.summary, t.finished_at, r.inputs FROM tasks t JOIN runs r ON r.id = t.run_id
    WHERE t.task_id = ? AND r.file = ? AND t.status != 'skipped' AND (t.reason IS NULL OR t.reason != 'reused') ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1`);
  const ends: ReturnType<typeof lastEnds> = new Map();
  for (const id of taskIds) {
    const row = latest.get(id, file) as { status: string; definition_hash: string; outputs: string; sources_hash: string | null; summary: string | null; finished_at: string | null; inputs: string | null } | undefined;
    if (!row) continue;
    ends.set(id, { status: row.status, hash: row.definition_hash, outputs: JSON.parse(row.outputs) as Record<string, string>, sources: row.sources_hash, inputs: recordedInputs({ inputs: row.inputs }), summary: row.summary, finishedAt: row.finished_at });
  }
  return ends;
}

/**
 * The outputs (and summary) of the latest success recorded under a memo key
 * (in any run of any workflow in this history), if it finished at most
 * `maxAge` seconds before `now` (ms since the epoch); any age without one.
 * Only a task that ran is a success to reuse: one memoized or reused since
 * makes its answer no younger, as an Argo cache entry ages from when it was made.
 */
export function memoOutputs(db: Database, key: string, maxAge: number | undefined, now: number): { outputs: Record<string, string>; summary?: string } | undefined {
  const cutoff = maxAge === undefined ? -Infinity : now - maxAge * 1000;
  // Every success was recorded after 1970: an age reaching back further (memoize: 1e15, 1e18 ms) cuts nothing, and has no date.
  const since = cutoff <= 0 ? '' : new Date(cutoff).toISOString();
  const row = db.prepare("SELECT outputs, summary FROM tasks WHERE memo_key = ? AND status = 'succeeded' AND reason IS NULL AND finished_at >= ? ORDER BY finished_at DESC LIMIT 1").get(key, since) as { outputs: string; summary: string | null } | undefined;
  return row ? { outputs: JSON.parse(row.outputs) as Record<string, string>, ...(row.summary !== null ? { summary: row.summary } : {}) } : undefined;
}

/** Tasks that succeeded in a run: id -> definition hash, outputs and summary. */
export function succeededTasks(db: Database, runId: string): Map<string, { hash: string; outputs: Record<string, string>; summary: string | null }> {
  const rows = db.prepare("SELECT task_id, definition_hash, outputs, summary FROM tasks WHERE run_id = ? AND status = 'succeeded'").all(runId) as Array<{ task_id: string; definition_hash: string; outputs: string; summary: string | null }>;
  return new Map(rows.map((r) => [r.task_id, { hash: r.definition_hash, outputs: JSON.parse(r.outputs) as Record<string, string>, summary: r.summary }]));
}

/** The ids of the tasks that had at least one attempt in a run. */
export function attemptedTasks(db: Database, runId: string): Set<string> {
  const rows = db.prepare('SELECT task_id FROM tasks WHERE run_id = ? AND attempts > 0').all(runId) as Array<{ task_id: string }>;
  return new Set(rows.map((r) => r.task_id));
}

/**
 * Which runs a listing takes: of one workflow file, and with `ended` only
 * those that ended so (`succeeded`, `failed`, `cancelled`), or without an
 * end recorded (`null`: going on, or their runner gone).
 */
export interface RunFilter {
  file?: string;
  ended?: string | null;
}

function runWhere(filter: RunFilter): { sql: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  if (filter.file !== undefined) {
    clauses.push('file = ?');
    values.push(filter.file);
  }
  if (filter.ended === null) clauses.push('finished_at IS NULL');
  else if (filter.ended !== undefined) {
    clauses.push('status = ?');
    values.push(filter.ended);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', values };
}

/** How many runs are recorded (of that workflow file, or all; that ended so). */
export function countRuns(db: Database, filter: RunFilter = {}): number {
  const where = runWhere(filter);
  return (db.prepare(`SELECT count(*) AS n FROM runs ${where.sql}`).get(...where.values) as { n: number }).n;
}

/** Runs, newest first, of one workflow file or of all (that ended so). */
export function listRuns(db: Database, filter: RunFilter = {}, limit = 50): RunRow[] {
  const where = runWhere(filter);
  return db.prepare(`SELECT * FROM runs ${where.sql} ORDER BY started_at DESC, rowid DESC LIMIT ?`).all(...where.values, limit) as RunRow[];
}

/** Serial time of a run, seconds: as the run measured it (its attempts' run times), or for runs recorded before that was kept, the sum of its attempts' spans. */
export function serialSeconds(db: Database, run: RunRow): number {
  if (run.serial_time !== null) return run.serial_time;
  const row = db.prepare('SELECT coalesce(sum(duration_ms), 0) / 1000.0 AS s FROM attempts WHERE run_id = ?').get(run.id) as { s: number };
  return row.s;
}

/** A run's events, in the order they happened. */
export function runEvents(db: Database, runId: string): RunEvent[] {
  return (db.prepare('SELECT event FROM events WHERE run_id = ? ORDER BY seq').all(runId) as Array<{ event: string }>).map((r) => JSON.parse(r.event) as RunEvent);
}

export interface ReportData {
  run: RunRow;
  serialTime: number;
  tasks: Array<{ id: string; agent: string | null; status: string; reason: string | null; attempts: number; durationMs: number | null; queueWaitMs: number | null; cost: number; needs: string[]; summary: string | null }>;
  attempts: Array<{ taskId: string; attempt: number; status: string; startedAt: string; finishedAt: string | null; durationMs: number | null; queueWaitMs: number | null; errorMessage: string | null; tail: string[] }>;
  /** The services that were up, after their attempt made them ready. */
  services: ServiceSpan[];
  /** What ready tasks waited for, from the run's workflow.finished event (none before it ended). */
  waits: LimitWait[];
  /** Seconds of the wall time the run only waited for an approval, from the same event (0 before it ended). */
  approvalWait: number;
}

/** Everything a run report shows. */
export function reportData(db: Database, runId: string): ReportData | undefined {
  const run = getRun(db, runId);
  if (!run) return undefined;
  const tasks = (db.prepare('SELECT task_id, agent, status, reason, attempts, duration_ms, queue_wait_ms, cost, needs, summary FROM tasks WHERE run_id = ? ORDER BY rowid').all(runId) as any[])
    .map((t) => ({ id: t.task_id, agent: t.agent, status: t.status, reason: t.reason, attempts: t.attempts, durationMs: t.duration_ms, queueWaitMs: t.queue_wait_ms, cost: t.cost, needs: JSON.parse(t.needs) as string[], summary: t.summary }));
  // Recorded as they ended; shown in the order the run came to them, as `logs` prints them.
  const compare = inRunOrder(taskOrder(db, runId));
  tasks.sort((a, b) => compare(a.id, b.id));
  const attempts = (db.prepare('SELECT task_id, attempt, status, started_at, finished_at, duration_ms, queue_wait_ms, error_message, tail FROM attempts WHERE run_id = ? ORDER BY started_at, attempt').all(runId) as any[])
    .map((a) => ({ taskId: a.task_id, attempt: a.attempt, status: a.status, startedAt: a.started_at, finishedAt: a.finished_at, durationMs: a.duration_ms, queueWaitMs: a.queue_wait_ms, errorMessage: a.error_message, tail: a.tail === null ? [] : JSON.parse(a.tail) as string[] }));
  const finished = db.prepare(`SELECT event FROM events WHERE run_id = ? AND event LIKE '%"type":"workflow.finished"%' ORDER BY seq DESC LIMIT 1`).get(runId) as { event: string } | undefined;
  const last = finished ? (JSON.parse(finished.event) as RunEvent) : undefined;
  return { run, serialTime: serialSeconds(db, run), tasks, attempts, services: serviceSpans(db, runId), waits: last?.waits ?? [], approvalWait: (last?.approvalWaitMs ?? 0) / 1000 };
}

/**
 * Where a run is, from what it recorded as it went: how many tasks ended in
 * each status, the attempts still running, and how many tasks it has (from
 * its start event, once written).
 */
export function runProgress(db: Database, runId: string): { ended: Map<string, number>; failed: Array<{ task: string; reason: string | null; tail: string[] }>; running: Array<{ task: string; attempt: number; startedAt: string }>; spent: number; total?: number } {
  const ended = new Map((db.prepare('SELECT status, count(*) AS n FROM tasks WHERE run_id = ? GROUP BY status').all(runId) as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
  // Each with why it failed and the last lines of its last attempt (none when it did not run: an open circuit, a rejection).
  const failed = (db.prepare(`SELECT t.task_id AS task, t.reason AS reason, a.tail AS tail FROM tasks t
    LEFT JOIN attempts a ON a.run_id = t.run_id AND a.task_id = t.task_id AND a.attempt = t.attempts
    WHERE t.run_id = ? AND t.status = 'failed' ORDER BY t.finished_at`).all(runId) as Array<{ task: string; reason: string | null; tail: string | null }>)
    .map((r) => ({ task: r.task, reason: r.reason, tail: r.tail === null ? [] : JSON.parse(r.tail) as string[] }));
  // An attempt still marked running whose task has ended (a cancellation recorded by the task's end) is not running.
  const running = (db.prepare(`SELECT a.task_id AS task, a.attempt AS attempt, a.started_at AS startedAt FROM attempts a
    WHERE a.run_id = ? AND a.status = 'running' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = a.run_id AND t.task_id = a.task_id)
    ORDER BY a.started_at`).all(runId) as Array<{ task: string; attempt: number; startedAt: string }>);
  const start = db.prepare("SELECT event FROM events WHERE run_id = ? AND event LIKE '%\"workflow.started\"%' ORDER BY seq LIMIT 1").get(runId) as { event: string } | undefined;
  const total = start ? (JSON.parse(start.event) as { tasks?: number }).tasks : undefined;
  // What its ended tasks cost, their attempts together (reported, else declared), as the run's budget counts them.
  const spent = db.prepare('SELECT coalesce(sum(cost), 0) FROM tasks WHERE run_id = ?').pluck().get(runId) as number;
  return { ended, failed, running, spent: roundCost(spent), ...(total !== undefined ? { total } : {}) };
}

/** When a service of a run was up: from its success (ready) to its task.stopped, with how it ended (both null while it is up, or when its runner died). */
export interface ServiceSpan {
  task: string;
  attempt: number;
  since: string;
  stoppedAt: string | null;
  how: string | null;
}

/** The services of a run that were up, from their events: a success with `service: true`, and the task.stopped after it. */
export function serviceSpans(db: Database, runId: string): ServiceSpan[] {
  const rows = db.prepare(`SELECT event FROM events WHERE run_id = ? AND (event LIKE '%"type":"task.succeeded"%"service":true%' OR event LIKE '%"type":"task.stopped"%') ORDER BY seq`).all(runId) as Array<{ event: string }>;
  const spans = new Map<string, ServiceSpan>();
  for (const { event } of rows) {
    const e = JSON.parse(event) as RunEvent;
    const span = spans.get(e.taskId!);
    if (e.type === 'task.succeeded' && e.service === true) spans.set(e.taskId!, { task: e.taskId!, attempt: e.attempt ?? 1, since: e.ts, stoppedAt: null, how: null });
    else if (e.type === 'task.stopped' && span) Object.assign(span, { stoppedAt: e.ts, how: e.reason ?? null });
  }
  return [...spans.values()];
}

/** The runs without an end in the history, the latest first (some may have lost their runner). */
export function unfinishedRuns(db: Database): RunRow[] {
  return db.prepare('SELECT * FROM runs WHERE finished_at IS NULL ORDER BY started_at DESC, rowid DESC').all() as RunRow[];
}

/** The id of the latest run of any workflow. */
export function latestRunId(db: Database): string | undefined {
  return (db.prepare('SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1').get() as { id: string } | undefined)?.id;
}
