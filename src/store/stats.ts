import type { Database } from './open-store.js';
import { byName } from '../util/natural-order.js';

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  return ranked([...values].sort((a, b) => a - b), p);
}

/** Nearest-rank percentile of values sorted ascending: sorted once, read for every p. */
function ranked(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
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
  /** Of a task: its attempts that hit its timeout. */
  timedOut?: number;
  /** Of an agent, or a task of one: its attempts that the API refused with a Retry-After (`holds` on task.retrying), and the seconds they held the agent. */
  retryAfter?: { attempts: number; seconds: number };
}

/** A task's end in a run: workflow, task, agent, status, reason, attempts, queue wait (ms), cost. */
type TaskRow = [string, string, string | null, string, string | null, number, number | null, number | null];
/** A successful attempt's duration: workflow, task, agent, ms; oldest first. */
type DurationRow = [string, string, string | null, number];

function summarize(name: string, workflow: string, tasks: readonly TaskRow[], done: readonly DurationRow[]): StatsRow {
  const ran = tasks.filter((t) => t[4] !== 'reused' && t[5] > 0);
  const decided = ran.filter((t) => t[3] === 'succeeded' || t[3] === 'failed');
  const durations = done.map((a) => a[3] / 1000);
  const byLength = [...durations].sort((a, b) => a - b);
  const waits = ran.map((t) => (t[6] ?? 0) / 1000).sort((a, b) => a - b);
  return {
    name,
    workflow,
    runs: ran.length,
    successRate: decided.length ? round(decided.filter((t) => t[3] === 'succeeded').length / decided.length) : null,
    retriesPerRun: ran.length ? round(ran.reduce((n, t) => n + Math.max(0, t[5] - 1), 0) / ran.length) : null,
    duration: { mean: round(mean(durations)), p50: round(ranked(byLength, 50)), p95: round(ranked(byLength, 95)), p99: round(ranked(byLength, 99)) },
    queueWait: { mean: round(mean(waits)), p95: round(ranked(waits, 95)) },
    costPerRun: ran.length ? round(ran.reduce((n, t) => n + (t[7] ?? 0), 0) / ran.length) : null,
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
  const where = (...more: string[]) => {
    const all = [...clauses, ...more];
    return all.length ? `WHERE ${all.join(' AND ')}` : '';
  };
  // Rows as arrays, not objects: a long history has hundreds of thousands.
  const tasks = db.prepare(`SELECT r.workflow, t.task_id, t.agent, t.status, t.reason, t.attempts, t.queue_wait_ms, t.cost
    FROM tasks t JOIN runs r ON r.id = t.run_id ${where()} ORDER BY r.started_at`).raw().all(...args) as TaskRow[];
  const done = db.prepare(`SELECT r.workflow, a.task_id, a.agent, a.duration_ms
    FROM attempts a JOIN runs r ON r.id = a.run_id ${where("a.status = 'succeeded'", 'a.duration_ms IS NOT NULL')} ORDER BY a.started_at`).raw().all(...args) as DurationRow[];
  const group = <T extends TaskRow | DurationRow>(rows: readonly T[], key: (row: T) => string | null) => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const k = key(row);
      if (k === null) continue;
      const id = `${row[0]}\u0000${k}`;
      (map.get(id) ?? map.set(id, []).get(id)!).push(row);
    }
    return map;
  };
  const byTask = group(tasks, (t) => t[1]);
  const doneByTask = group(done, (a) => a[1]);
  const byAgent = group(tasks, (t) => t[2]);
  const doneByAgent = group(done, (a) => a[2]);
  const rows = (map: Map<string, TaskRow[]>, attemptMap: Map<string, DurationRow[]>) =>
    [...map].map(([id, list]) => {
      const [workflow, name] = id.split('\u0000') as [string, string];
      return summarize(name, workflow, list, attemptMap.get(id) ?? []);
    });
  // A Retry-After that held an agent is on its task.retrying event (a text search first: most events have none).
  const held = db.prepare(`SELECT r.workflow, json_extract(e.event, '$.holds'), json_extract(e.event, '$.taskId'), json_extract(e.event, '$.delayMs')
    FROM events e JOIN runs r ON r.id = e.run_id ${where(`e.event LIKE '%"holds":%'`, "json_extract(e.event, '$.type') = 'task.retrying'")}`).raw().all(...args) as Array<[string, string | null, string | null, number | null]>;
  type Refusals = Map<string, { attempts: number; seconds: number }>;
  const ofAgent: Refusals = new Map();
  const ofTask: Refusals = new Map();
  const count = (map: Refusals, id: string, seconds: number) => {
    const sum = map.get(id) ?? map.set(id, { attempts: 0, seconds: 0 }).get(id)!;
    sum.attempts++;
    sum.seconds += seconds;
  };
  for (const [workflow, agent, task, delayMs] of held) {
    if (agent === null) continue;
    count(ofAgent, `${workflow}\u0000${agent}`, (delayMs ?? 0) / 1000);
    if (task !== null) count(ofTask, `${workflow}\u0000${task}`, (delayMs ?? 0) / 1000);
  }
  const refused = (map: Refusals, row: StatsRow) => {
    const sum = map.get(`${row.workflow}\u0000${row.name}`);
    return { attempts: sum?.attempts ?? 0, seconds: round(sum?.seconds ?? 0) ?? 0 };
  };
  const agentRows = rows(byAgent, doneByAgent).map((row) => ({ ...row, retryAfter: refused(ofAgent, row) }));
  // A matrix from outputs never runs itself: its expansions have the figures, as a written matrix's do.
  const timeouts = new Map((db.prepare(`SELECT r.workflow, a.task_id, count(*) FROM attempts a JOIN runs r ON r.id = a.run_id ${where("a.error_kind = 'timeout'")} GROUP BY r.workflow, a.task_id`)
    .raw().all(...args) as Array<[string, string, number]>).map(([workflow, task, n]) => [`${workflow}\u0000${task}`, n]));
  // A task of an agent has its refusals too; a shell task has no API to refuse it.
  const taskRows = rows(byTask, doneByTask).map((row) => {
    const agent = byTask.get(`${row.workflow}\u0000${row.name}`)![0]![2];
    const timedOut = timeouts.get(`${row.workflow}\u0000${row.name}`) ?? 0;
    return { ...row, timedOut, ...(agent === null ? {} : { retryAfter: refused(ofTask, row) }) };
  });
  const expanded = new Set(taskRows.filter((r) => r.name.includes('[')).map((r) => `${r.workflow}\u0000${r.name.slice(0, r.name.indexOf('['))}`));
  return { tasks: taskRows.filter((r) => r.runs > 0 || !expanded.has(`${r.workflow}\u0000${r.name}`)), agents: agentRows };
}

/**
 * Rows in the order of `names` (a workflow's tasks or agents as written):
 * the expansions of a matrix from outputs (`review[a.ts]`, not among the
 * names) where their task is, names it no longer has last; a workflow's rows
 * together, the workflows as first recorded. Ties in natural order (`t[2]`
 * before `t[10]`). Without names, natural order. The history records tasks
 * as they end, an order no reader would guess.
 */
export function inWorkflowOrder(rows: readonly StatsRow[], names: readonly string[] = []): StatsRow[] {
  const at = new Map<string, number>();
  names.forEach((name, i) => at.set(name, i));
  const workflows = [...new Set(rows.map((r) => r.workflow))];
  const rank = (name: string) => at.get(name) ?? (name.includes('[') ? at.get(name.slice(0, name.indexOf('['))) : undefined) ?? names.length;
  return [...rows].sort((a, b) => workflows.indexOf(a.workflow) - workflows.indexOf(b.workflow) || rank(a.name) - rank(b.name) || byName(a.name, b.name));
}
