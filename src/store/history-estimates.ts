import type { Database } from './open-store.js';
import { expansionHash } from '../workflow/definition-hash.js';

/**
 * Calibration from the run history: what a workflow's tasks took (and their
 * retries added) and cost in its recent runs, by definition hash, for `plan`
 * and for the order `run` starts ready tasks in.
 */

/** The ids of a workflow's latest `limit` runs, newest first. */
function latestRuns(db: Database, workflow: string, limit: number): string[] {
  return db.prepare('SELECT id FROM runs WHERE workflow = ? ORDER BY started_at DESC LIMIT ?').pluck().all(workflow, limit) as string[];
}

/** How many of a workflow's latest runs history estimates look at. */
export const HISTORY_RUNS = 100;

/**
 * The query of duration samples (`columns` of each) where `where` holds: the
 * successful attempts, and a matrix from outputs by its task's end, as it
 * never runs itself (no attempts): its samples are the time its expansions took
 * — but not in a resume that reused some of them, which ran only the others.
 */
function durationSamples(columns: string, where: string): string {
  return `SELECT ${columns} FROM attempts WHERE ${where} AND status = 'succeeded' AND duration_ms IS NOT NULL
    UNION ALL SELECT ${columns} FROM tasks WHERE ${where} AND status = 'succeeded' AND attempts = 0 AND reason IS NULL AND duration_ms IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.run_id = tasks.run_id AND r.task_id >= tasks.task_id || '[' AND r.task_id < tasks.task_id || '\\' AND r.reason = 'reused')`;
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
 * run of it is expected to spend, retries included. A matrix from outputs
 * (`groups`: its task ids) never runs itself: its cost is the mean of what
 * its expansions cost together in a run, and each expansion's own is there
 * too, by its id, for a run that expands to it again.
 */
export function historyCosts(db: Database, workflow: string, hashes: ReadonlyMap<string, string>, declared: ReadonlyMap<string, number>, n = 10, groups: ReadonlySet<string> = new Set()): Map<string, number> {
  const runs = JSON.stringify(latestRuns(db, workflow, n));
  const ran = `run_id IN (SELECT value FROM json_each(?)) AND attempts > 0 AND cost IS NOT NULL AND declared_cost IS NOT NULL
      AND ((status = 'succeeded' AND reason IS NULL) OR status = 'failed')`;
  const same = (then: number, now: number | undefined) => now !== undefined && Math.abs(then - now) <= 1e-9 * Math.max(1, now);
  // A task ends once in a run: over n runs, at most n samples each, summed by SQLite per definition and declared cost.
  const rows = db.prepare(`SELECT task_id, definition_hash, declared_cost, sum(cost), count(*) FROM tasks WHERE ${ran}
    GROUP BY task_id, definition_hash, declared_cost`).raw().all(runs) as Array<[string, string, number, number, number]>;
  const out = new Map<string, number>();
  for (const [id, hash, then, sum, count] of rows) {
    if (hashes.get(id) === hash && same(then, declared.get(id))) out.set(id, sum / count);
  }
  if (!groups.size) return out;
  // Expansions are known by their ids and hashes (their task's hash and their id): their runs' sums, and their own means.
  const expansions = db.prepare(`SELECT run_id, task_id, definition_hash, declared_cost, cost FROM tasks WHERE ${ran} AND instr(task_id, '[') > 0`).raw().all(runs) as Array<[string, string, string, number, number]>;
  // A resume that reused some of a group's expansions ran only the others: that run's sum is not what the group costs.
  const partial = new Set((db.prepare(`SELECT DISTINCT run_id || char(0) || substr(task_id, 1, instr(task_id, '[') - 1) FROM tasks
    WHERE run_id IN (SELECT value FROM json_each(?)) AND reason = 'reused' AND instr(task_id, '[') > 0`).pluck().all(runs) as string[]));
  const perRun = new Map<string, Map<string, number>>();
  const own = new Map<string, number[]>();
  for (const [run, id, hash, then, cost] of expansions) {
    const base = id.slice(0, id.indexOf('['));
    const groupHash = hashes.get(base);
    if (!groups.has(base) || groupHash === undefined || hash !== expansionHash(groupHash, id) || !same(then, declared.get(base))) continue;
    own.set(id, [...(own.get(id) ?? []), cost]);
    if (partial.has(`${run}\u0000${base}`)) continue;
    const sums = perRun.get(base) ?? perRun.set(base, new Map()).get(base)!;
    sums.set(run, (sums.get(run) ?? 0) + cost);
  }
  for (const [base, sums] of perRun) out.set(base, [...sums.values()].reduce((a, b) => a + b, 0) / sums.size);
  for (const [id, costs] of own) out.set(id, costs.reduce((a, b) => a + b, 0) / costs.length);
  return out;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
