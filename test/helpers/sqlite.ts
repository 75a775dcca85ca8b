import Database from 'better-sqlite3';
import { keepSqliteObjects } from '../../src/store/keep-sqlite-objects.js';

/**
 * A state file opened directly, to look into or to damage, kept as the CLI
 * keeps its own (see keep-sqlite-objects): on Node 24, better-sqlite3 12
 * aborts the test process when V8 collects one of its objects at the wrong moment.
 */
export function openSqlite(path: string, options?: Database.Options): Database.Database {
  return keepSqliteObjects(new Database(path, options));
}
