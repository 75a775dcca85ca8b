import type { Database } from './open-store.js';
import type { RunRow } from './queries.js';

/**
 * The runs of each workflow file (or of `file`) beyond its latest `keep`,
 * newest first.
 */
export function runsBeyond(db: Database, keep: number, file?: string): RunRow[] {
  const rows = (file
    ? db.prepare('SELECT * FROM runs WHERE file = ? ORDER BY started_at DESC, rowid DESC').all(file)
    : db.prepare('SELECT * FROM runs ORDER BY file, started_at DESC, rowid DESC').all()) as RunRow[];
  const seen = new Map<string, number>();
  return rows.filter((run) => {
    const n = (seen.get(run.file) ?? 0) + 1;
    seen.set(run.file, n);
    return n > keep;
  });
}

/** Deletes runs with everything recorded of them (attempts, task states, events), in one transaction. */
export function deleteRuns(db: Database, ids: readonly string[]): void {
  const statements = ['DELETE FROM events WHERE run_id = ?', 'DELETE FROM approvals WHERE run_id = ?', 'DELETE FROM attempts WHERE run_id = ?', 'DELETE FROM tasks WHERE run_id = ?', 'DELETE FROM runs WHERE id = ?']
    .map((sql) => db.prepare(sql));
  db.transaction(() => {
    for (const id of ids) for (const statement of statements) statement.run(id);
  })();
}
