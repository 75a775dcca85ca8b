import type { LimitWait, WaitingNow } from '../plan/waits.js';
import type { RunEvent } from '../telemetry/events.js';
import type { Database } from './open-store.js';
import { byName } from '../util/natural-order.js';

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

/** The ids of a workflow's latest `limit` runs, newest first. */
function latestRuns(db: Database, workflow: string, limit: number): string[] {
  return db.prepare('SELECT id FROM runs WHERE workflow = ? ORDER BY started_at DESC LIMIT ?').pluck().all(workflow, limit) as string[];
}

/** How many of a workflow's latest runs history estimates look at. */
export const HISTORY_RUNS = 100;

/**
 * The query of duration samples (`columns` of each) where `where` holds: the
 * successful attempts, and a matrix from outputs by its task's end, as it
 * never runs itself (no attempts): its samples are the time its expansions took.
 */
function durationSamples(columns: string, where: string): string {
  return `SELECT ${columns} FROM attempts WHERE ${where} AND status = 'succeeded' AND duration_ms IS NOT NULL
    UNION ALL SELECT ${columns} FROM tasks WHERE ${where} AND status = 'succeeded' AND attempts = 0 AND reason IS NULL AND duration_ms IS NOT NULL`;
}

/**
 * Estimates from history: for each task, the median duration (seconds) of its
 * last `n` successful attempts with the same definition hash in the latest
 * 100 runs of the same workflow. The newest `n` runs are read whole (most
 * tasks get their samples there); a task still short of `n` is then looked up
 * on its own in the older runs, by its index, so a task that seldom or never
 * runs (`if: failure`, one run with --only) does not make every start read
 * 100 runs.
 */
export function historyEstimates(db: Database, workflow: string, hashes: ReadonlyMap<string, string>, n = 10): Map<string, number> {
  const runs = latestRuns(db, workflow, HISTORY_RUNS);
  const attemptsOf = db.prepare(durationSamples('task_id, definition_hash, duration_ms', 'run_id = @run')).raw();
  const samples = new Map<string, number[]>();
  let full = 0;
  for (const run of runs.slice(0, n)) {
    for (const [id, hash, ms] of attemptsOf.all({ run }) as Array<[string, string, number]>) {
      if (hashes.get(id) !== hash) continue;
      let list = samples.get(id);
      if (!list) samples.set(id, (list = []));
      if (list.length >= n) continue;
      list.push(ms / 1000);
      if (list.length === n) full++;
    }
    if (full === hashes.size) break;
  }
  if (full < hashes.size && runs.length > n) {
    // Newest first, as the runs above were read.
    const older = new Map(runs.slice(n).map((run, k) => [run, k]));
    const ofTask = db.prepare(durationSamples('run_id, duration_ms', 'task_id = @id AND definition_hash = @hash')).raw();
    for (const [id, hash] of hashes) {
      const have = samples.get(id)?.length ?? 0;
      if (have >= n) continue;
      const found = (ofTask.all({ id, hash }) as Array<[string, number]>).filter(([run]) => older.has(run));
      if (!found.length) continue;
      found.sort((a, b) => older.get(a[0])! - older.get(b[0])!);
      const list = samples.get(id) ?? [];
      for (const [, ms] of found.slice(0, n - have)) list.push(ms / 1000);
      samples.set(id, list);
    }
  }
  const out = new Map<string, number>();
  for (const [id, list] of samples) out.set(id, median(list));
  return out;
}

/**
 * Estimates from failures, for tasks of `ids` that have not succeeded in
 * history: the median duration (seconds) of their last `n` failed attempts
 * with the same definition hash in the workflow's latest `n` runs. What a
 * task that keeps failing took is nearer the truth than a default guess.
 */
export function historyFailureEstimates(db: Database, workflow: string, hashes: ReadonlyMap<string, string>, ids: ReadonlySet<string>, n = 10): Map<string, number> {
  if (!ids.size) return new Map();
  // One query over those runs, as historyRetryTimes reads them; the latest attempts first.
  const failed = db.prepare(`SELECT task_id, definition_hash, duration_ms FROM attempts
    WHERE run_id IN (SELECT value FROM json_each(?)) AND status = 'failed' AND duration_ms IS NOT NULL
    ORDER BY started_at DESC`).raw().all(JSON.stringify(latestRuns(db, workflow, n))) as Array<[string, string, number]>;
  const samples = new Map<string, number[]>();
  for (const [id, hash, ms] of failed) {
    if (!ids.has(id) || hashes.get(id) !== hash) continue;
    let list = samples.get(id);
    if (!list) samples.set(id, (list = []));
    if (list.length < n) list.push(ms / 1000);
  }
  return new Map([...samples].map(([id, list]) => [id, median(list)]));
}

/**
 * The time retries took, from history: for each task, over its last `n`
 * successes with the same definition hash in the workflow's latest `n` runs,
 * the mean (seconds) of what its failed attempts and their backoff added to
 * the successful attempt (0 in a run where it succeeded at once). Tasks that
 * never needed a retry there are left out. A mean, not a median: a task that
 * needs a retry in three runs of ten adds three tenths of one to the wall
 * time to expect. With `ended` 'failed', over the runs where the task failed
 * in the end (having run): what the attempts before its last one added — for
 * a task planned from its failures, which will likely do all of them again.
 */
export function historyRetryTimes(db: Database, workflow: string, hashes: ReadonlyMap<string, string>, n = 10, ended: 'succeeded' | 'failed' = 'succeeded'): Map<string, number> {
  const runs = JSON.stringify(latestRuns(db, workflow, n));
  // A success's reason says it did not run (reused, up to date, memoized); a failure's says why it failed.
  const outcome = ended === 'succeeded' ? "t.status = 'succeeded' AND t.reason IS NULL" : "t.status = 'failed'";
  const ends = `t.run_id IN (SELECT value FROM json_each(?)) AND ${outcome}`;
  // How many such ends each task had there, counted by SQLite; then the few that needed a retry, with what it added.
  const counts = db.prepare(`SELECT t.task_id, t.definition_hash, count(*) FROM tasks t WHERE ${ends} AND t.attempts > 0 GROUP BY t.task_id, t.definition_hash`).raw().all(runs) as Array<[string, string, number]>;
  const retried = db.prepare(`SELECT t.task_id, t.definition_hash, max(0, t.duration_ms - a.duration_ms) FROM tasks t
    JOIN attempts a ON a.run_id = t.run_id AND a.task_id = t.task_id AND a.attempt = t.attempts
    WHERE ${ends} AND t.attempts > 1 AND t.duration_ms IS NOT NULL AND a.duration_ms IS NOT NULL`).raw().all(runs) as Array<[string, string, number]>;
  const added = new Map<string, number>();
  for (const [id, hash, ms] of retried) if (hashes.get(id) === hash) added.set(id, (added.get(id) ?? 0) + ms / 1000);
  const out = new Map<string, number>();
  for (const [id, hash, count] of counts) {
    const sum = hashes.get(id) === hash ? added.get(id) : undefined;
    if (sum) out.set(id, sum / count);
  }
  return out;
}

/**
 * Costs from history: for each task, the mean of what a run of it cost (its
 * attempts together, as recorded: what they reported, else what they
 * declared) over its ends that ran, successes and failures, with the same
 * definition hash in the workflow's latest `n` runs (one a run) — counting only
 * those recorded while it declared the cost it declares now (`declared`, by
 * task id): a changed declared cost starts afresh, and records older than
 * that column, which do not say, are left out. A mean, not a median: what a
 * run of it is expected to spend, retries included.
 */
export function historyCosts(db: Database, workflow: string, hashes: ReadonlyMap<string, string>, declared: ReadonlyMap<string, number>, n = 10): Map<string, number> {
  // A task ends once in a run: over n runs, at most n samples each, summed by SQLite per definition and declared cost.
  const groups = db.prepare(`SELECT task_id, definition_hash, declared_cost, sum(cost), count(*) FROM tasks
    WHERE run_id IN (SELECT value FROM json_each(?)) AND attempts > 0 AND cost IS NOT NULL AND declared_cost IS NOT NULL
      AND ((status = 'succeeded' AND reason IS NULL) OR status = 'failed')
    GROUP BY task_id, definition_hash, declared_cost`).raw().all(JSON.stringify(latestRuns(db, workflow, n))) as Array<[string, string, number, number, number]>;
  const out = new Map<string, number>();
  for (const [id, hash, then, sum, count] of groups) {
    const now = declared.get(id);
    if (now !== undefined && hashes.get(id) === hash && Math.abs(then - now) <= 1e-9 * Math.max(1, now)) out.set(id, sum / count);
  }
  return out;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
export function runProgress(db: Database, runId: string): { ended: Map<string, number>; failed: Array<{ task: string; reason: string | null; tail: string[] }>; running: Array<{ task: string; attempt: number; startedAt: string }>; total?: number } {
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
  return { ended, failed, running, ...(total !== undefined ? { total } : {}) };
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
