import type { Database } from './open-store.js';

/** A task of a run that waits for approval, as its events tell. */
export interface AwaitingApproval {
  task: string;
  message: string;
  since: string;
}

const ENDS = "('task.approved', 'task.succeeded', 'task.failed', 'task.skipped', 'task.cancelled')";

/** The tasks of a run that asked for approval (`task.waiting`) and have had no answer or end since. */
export function awaitingApproval(db: Database, runId: string): AwaitingApproval[] {
  return db.prepare(`SELECT json_extract(e.event, '$.taskId') AS task, json_extract(e.event, '$.message') AS message, json_extract(e.event, '$.ts') AS since
    FROM events e WHERE e.run_id = ? AND json_extract(e.event, '$.type') = 'task.waiting'
    AND NOT EXISTS (SELECT 1 FROM events f WHERE f.run_id = e.run_id AND f.seq > e.seq
      AND json_extract(f.event, '$.taskId') = json_extract(e.event, '$.taskId') AND json_extract(f.event, '$.type') IN ${ENDS})
    ORDER BY e.seq`).all(runId) as AwaitingApproval[];
}

export interface Decision {
  task: string;
  approved: boolean;
  by: string | null;
  reason: string | null;
  at: string;
}

/** The decisions taken on a run's tasks (`orchestrate approve`, `reject`). */
export function decisions(db: Database, runId: string): Decision[] {
  const rows = db.prepare('SELECT task_id AS task, approved, decided_by AS by, reason, decided_at AS at FROM approvals WHERE run_id = ?').all(runId) as Array<Omit<Decision, 'approved'> & { approved: number }>;
  return rows.map((row) => ({ ...row, approved: row.approved === 1 }));
}

/** Records a decision on a task of a run; false when there is one already (the first stands). */
export function decide(db: Database, runId: string, decision: Omit<Decision, 'at'>, at: Date): boolean {
  const result = db.prepare('INSERT OR IGNORE INTO approvals (run_id, task_id, approved, decided_by, reason, decided_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(runId, decision.task, decision.approved ? 1 : 0, decision.by, decision.reason, at.toISOString());
  return result.changes === 1;
}
