import { dirname } from 'node:path';
import type { Database } from './open-store.js';
import { makeDirectory } from '../util/make-directory.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { ignoreInGit } from '../workflow/project-root.js';

/**
 * What became of an open history's file: still there (`kept`), deleted and
 * written back (`restored`), or deleted with another file there now
 * (`replaced`), when it is written beside that one (`aside`).
 */
export type StoreFileFate = { fate: 'kept' | 'restored' } | { fate: 'replaced'; aside: string };

/**
 * Watches the file of a history open for a run, which a task of it may delete
 * (`git clean -fdx`, `rm -rf .orchestrate`). SQLite goes on writing to the
 * deleted file, which would go when the database closes, with every run it
 * remembers; `restore()`, called before it closes, writes it back whole with
 * this run. A file made there since (another run's new history) is left as
 * it is, and this one is written beside it, named `<file>.<suffix>`.
 */
export function watchStoreFile(db: Database): { restore(suffix: string): StoreFileFate } {
  const path = db.name;
  const opened = statIfPresent(path);
  return {
    restore(suffix) {
      const now = statIfPresent(path);
      if (!opened || (now && now.ino === opened.ino && now.dev === opened.dev)) return { fate: 'kept' };
      makeDirectory(dirname(path), ignoreInGit);
      const to = now ? `${path}.${suffix}` : path;
      // A copy of the database as it is, with what the deleted write-ahead log holds; the next run makes it WAL again.
      db.prepare('VACUUM INTO ?').run(to);
      return now ? { fate: 'replaced', aside: to } : { fate: 'restored' };
    },
  };
}
