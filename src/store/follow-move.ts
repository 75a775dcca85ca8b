import { basename, dirname, resolve, sep } from 'node:path';
import type { Database } from './open-store.js';

/** The directory a history belongs to: the project whose `.orchestrate/` holds it, else the directory it is in. */
export function historyBase(path: string): string {
  const dir = dirname(resolve(path));
  return basename(dir) === '.orchestrate' ? dirname(dir) : dir;
}

/**
 * Follows a history that moved with its project (a renamed directory, a CI
 * cache restored into another workspace): the runs recorded under the
 * directory it was last opened in are pointed to the same files where it is
 * now, so up-to-date checks, `--resume`, the history's file filters and the
 * logs of earlier runs find them. Where it is is remembered in `meta`; a
 * history that cannot be written is left as it is.
 */
export function followMove(db: Database, path: string): void {
  const base = historyBase(path);
  const recorded = () => (db.prepare("SELECT value FROM meta WHERE key = 'base'").get() as { value: string } | undefined)?.value;
  if (recorded() === base) return;
  try {
    db.transaction(() => {
      const old = recorded();
      if (old === base) return;
      if (old !== undefined) {
        db.prepare('UPDATE runs SET file = @base || substr(file, length(@old) + 1) WHERE substr(file, 1, length(@old) + 1) = @old || @sep').run({ base, old, sep });
      }
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('base', ?)").run(base);
    }).immediate();
  } catch {
    // Read-only, or busy for longer than the busy timeout: the next open follows the move.
  }
}
