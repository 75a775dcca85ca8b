import type { Database } from './open-store.js';

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

export interface StatsRow {
  /** Task id, or agent name. */
  name: string;
  workflow: string;
  runs: number;
  successRate: number | null;
  retriesPerRun: number | null;
  /** Durations of successful attempts, seconds. */
  duration: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  /** Queue wait per run, seconds. */
  queueWait: { mean: number | null; p95: number | null };
  costPerRun: number | null;
  /** Successful durations in run order (oldest first), seconds: for trends. */
  samples: number[];
}

interface TaskRow { run_id: string; workflow: string; task_id: string; agent: string | null; status: string; reason: string | null; attempts: number; queue_wait_ms: number | null; cost: number; started: string }
interface AttemptRow { run_id: string; workflow: string; task_id: string; agent: string | null; status: string; duration_ms: number | null; started_at: string }

function summarize(name: string, workflow: string, tasks: TaskRow[], attempts: AttemptRow[]): StatsRow {
  const ran = tasks.filter((t) => t.reason !== 'reused' && t.attempts > 0);
  const decided = ran.filter((t) => t.status === 'succeeded' || t.status === 'failed');
  const durations = attempts.filter((a) => a.status === 'succeeded' && a.duration_ms !== null).sort((a, b) => a.started_at.localeCompare(b.started_at)).map((a) => a.duration_ms! / 1000);
  const waits = ran.map((t) => (t.queue_wait_ms ?? 0) / 1000);
  return {
    name,
    workflow,
    runs: ran.length,
    successRate: decided.length ? round(decided.filter((t) => t.status === 'succeeded').length / decided.length) : null,
    retriesPerRun: ran.length ? round(ran.reduce((n, t) => n + Math.max(0, t.attempts - 1), 0) / ran.length) : null,
    duration: { mean: round(mean(durations)), p50: round(percentile(durations, 50)), p95: round(percentile(durations, 95)), p99: round(percentile(durations, 99)) },
    queueWait: { mean: round(mean(waits)), p95: round(percentile(waits, 95)) },
    costPerRun: ran.length ? round(ran.reduce((n, t) => n + (t.cost ?? 0), 0) / ran.length) : null,
    samples: durations,
  };
}

/**
 * Per-task and per-agent statistics over the stored runs (of one workflow
 * file, or all): of each workflow, its latest `limit` runs, or all of them.
 */
export function computeStats(db: Database, file?: string, limit?: number): { tasks: StatsRow[]; agents: StatsRow[] } {
  const clauses: string[] = [];
  const args: unknown[] = [];
  if (file) {
    clauses.push('r.file = ?');
    args.push(file);
  }
  if (limit !== undefined) {
    // Counted among the runs of the file when one is given (two files may share a workflow's name).
    clauses.push(`r.id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY workflow ORDER BY started_at DESC) AS k FROM runs${file ? ' WHERE file = ?' : ''}) WHERE k <= ?)`);
    args.push(...(file ? [file] : []), limit);
  }
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const tasks = db.prepare(`SELECT t.run_id, r.workflow, t.task_id, t.agent, t.status, t.reason, t.attempts, t.queue_wait_ms, t.cost, r.started_at AS started
    FROM tasks t JOIN runs r ON r.id = t.run_id ${where} ORDER BY r.started_at`).all(...args) as TaskRow[];
  const attempts = db.prepare(`SELECT a.run_id, r.workflow, a.task_id, a.agent, a.status, a.duration_ms, a.started_at
    FROM attempts a JOIN runs r ON r.id = a.run_id ${where}`).all(...args) as AttemptRow[];
  const group = <T extends { workflow: string }>(rows: T[], key: (row: T) => string | null) => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const k = key(row);
      if (k === null) continue;
      const id = `${row.workflow}\u0000${k}`;
      (map.get(id) ?? map.set(id, []).get(id)!).push(row);
    }
    return map;
  };
  const byTask = group(tasks, (t) => t.task_id);
  const attemptsByTask = group(attempts, (a) => a.task_id);
  const byAgent = group(tasks, (t) => t.agent);
  const attemptsByAgent = group(attempts, (a) => a.agent);
  const rows = (map: Map<string, TaskRow[]>, attemptMap: Map<string, AttemptRow[]>) =>
    [...map].map(([id, list]) => {
      const [workflow, name] = id.split('\u0000') as [string, string];
      return summarize(name, workflow, list, attemptMap.get(id) ?? []);
    });
  // A matrix from outputs never runs itself: its expansions have the figures, as a written matrix's do.
  const taskRows = rows(byTask, attemptsByTask);
  const expanded = new Set(taskRows.filter((r) => r.name.includes('[')).map((r) => `${r.workflow}\u0000${r.name.slice(0, r.name.indexOf('['))}`));
  return { tasks: taskRows.filter((r) => r.runs > 0 || !expanded.has(`${r.workflow}\u0000${r.name}`)), agents: rows(byAgent, attemptsByAgent) };
}
