import type { Database } from './open-store.js';

/** The run that holds an exclusive group, and its runner process. */
export interface LockHolder {
  name: string;
  run_id: string;
  workflow: string;
  pid: number;
  host: string;
  started: number | null;
}

/**
 * Takes the group `claim.name` for a run, unless a run that `alive` says is
 * still going on holds it: then that run is returned and nothing is taken.
 * A holder that is gone (killed, or this very process before) is replaced.
 */
export function tryLock(db: Database, claim: LockHolder, alive: (holder: LockHolder) => boolean, at: Date): LockHolder | undefined {
  return db.transaction(() => {
    const holder = db.prepare('SELECT name, run_id, workflow, pid, host, started FROM locks WHERE name = ?').get(claim.name) as LockHolder | undefined;
    if (holder && holder.run_id !== claim.run_id && alive(holder)) return holder;
    db.prepare('INSERT OR REPLACE INTO locks (name, run_id, workflow, pid, host, started, taken_at) VALUES (@name, @run_id, @workflow, @pid, @host, @started, @at)')
      .run({ ...claim, at: at.toISOString() });
    return undefined;
  }).immediate();
}

/** Gives the group back, if this run still holds it. */
export function unlock(db: Database, name: string, runId: string): void {
  db.prepare('DELETE FROM locks WHERE name = ? AND run_id = ?').run(name, runId);
}
