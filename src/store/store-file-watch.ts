import { dirname } from 'node:path';
import type { Database } from './open-store.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { makeStateDirectory } from '../workflow/project-root.js';

/**
 * What became of an open history's file: still there (`kept`), deleted and
 * written back (`restored`), or deleted with another history there now, made
 * by another run meanwhile: written into that one (`merged`), or, where that
 * one could not take it, beside it (`replaced`, at `aside`).
 */
export type StoreFileFate = { fate: 'kept' | 'restored' | 'merged' } | { fate: 'replaced'; aside: string };

/** The tables that hold runs, by the column that names a row's run. */
const RUN_TABLES: ReadonlyArray<[table: string, run: string]> = [['runs', 'id'], ['attempts', 'run_id'], ['tasks', 'run_id'], ['events', 'run_id'], ['approvals', 'run_id']];

/**
 * Writes every run of `db` into the history at `path` that another run made
 * meanwhile: this run's rows over what that one holds of it (a copy taken
 * before it ended), the others where that one has none. Whether it did: not
 * when that file is no orchestrate history of this schema.
 */
function mergeInto(db: Database, path: string, runId: string): boolean {
  db.prepare('ATTACH DATABASE ? AS there').run(path);
  try {
    const application = db.prepare("SELECT value FROM there.meta WHERE key = 'application'").pluck().get();
    if (application !== 'orchestrate' || db.pragma('there.user_version', { simple: true }) !== db.pragma('main.user_version', { simple: true })) return false;
    db.transaction(() => {
      for (const [table, run] of RUN_TABLES) {
        db.prepare(`INSERT OR REPLACE INTO there.${table} SELECT * FROM main.${table} WHERE ${run} = ?`).run(runId);
        db.prepare(`INSERT OR IGNORE INTO there.${table} SELECT * FROM main.${table}`).run();
      }
    })();
    return true;
  } finally {
    db.exec('DETACH DATABASE there');
  }
}

/**
 * Watches the file of a history open for a run, which a task of it may delete
 * (`git clean -fdx`, `rm -rf .orchestrate`). SQLite goes on writing to the
 * deleted file, which would go when the database closes, with every run it
 * remembers; `restore()`, called before it closes, writes it back whole with
 * this run. Where another run made a new history there since (a run nested
 * in a task, another workflow's), this one's runs are written into it; one
 * that cannot take them is left as it is, and this one is written beside it,
 * named `<file>.<suffix>`.
 */
export function watchStoreFile(db: Database): { restore(runId: string): StoreFileFate } {
  const path = db.name;
  const opened = statIfPresent(path);
  return {
    restore(runId) {
      const now = statIfPresent(path);
      if (!opened || (now && now.ino === opened.ino && now.dev === opened.dev)) return { fate: 'kept' };
      if (now) {
        try {
          if (mergeInto(db, path, runId)) return { fate: 'merged' };
        } catch {
          // Busy for longer than the timeout, damaged, not SQLite: it is left as it is.
        }
      }
      makeStateDirectory(dirname(path));
      const to = now ? `${path}.${runId}` : path;
      // A copy of the database as it is, with what the deleted write-ahead log holds; the next run makes it WAL again.
      db.prepare('VACUUM INTO ?').run(to);
      return now ? { fate: 'replaced', aside: to } : { fate: 'restored' };
    },
  };
}
