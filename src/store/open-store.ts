import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { OrchestrateError, EXIT, ioErrorFrom, ioReason } from '../errors.js';
import { followMove } from './follow-move.js';
import { loadSqlite } from './load-sqlite.js';
import { keepSqliteObjects } from './keep-sqlite-objects.js';
import { MIGRATIONS } from './migrations.js';
import { makeStateDirectory } from '../workflow/project-root.js';
import { readHead } from '../util/read-head.js';

export type Database = BetterSqlite3.Database;

/** The state file cannot be used: corrupt, foreign, or from a newer orchestrate. Exit 2; the file is left as it is. */
export class StoreError extends OrchestrateError {
  constructor(message: string) {
    super('io', message, EXIT.usage);
    this.name = 'StoreError';
  }
}

const SQLITE_HEADER = 'SQLite format 3\0';

let sqlite: { Database: typeof BetterSqlite3; addon: object } | undefined;

/**
 * A better-sqlite3 database, given its native module (loadSqlite). The CLI
 * bundle holds better-sqlite3's JavaScript (see scripts/bundle.mjs), from
 * where its own loader could not find the package; found there, it is also
 * ~1.5 ms sooner.
 */
function openDatabase(path: string | Buffer, options: BetterSqlite3.Options = {}): Database {
  sqlite ??= loadSqlite();
  // The types say a path; better-sqlite3 takes the loaded module too.
  return keepSqliteObjects(new sqlite.Database(path, { ...options, nativeBinding: sqlite.addon as unknown as string }));
}

/**
 * Opens (or creates) the run history at `path`: WAL mode, a busy timeout so
 * concurrent runs wait for each other, migrations applied in a transaction.
 * A file that is not an orchestrate database is refused, never overwritten.
 * With `read`, one that cannot be written (a read-only file system, another
 * user's project) is opened to be read: as it is, or as a copy in memory;
 * without, that is an error saying so.
 */
export function openStore(path: string, mode: 'write' | 'read' = 'write'): Database {
  const exists = existsSync(path);
  if (exists) {
    let head: string;
    try {
      head = readHead(path, SQLITE_HEADER.length);
    } catch (error) {
      throw new StoreError(`cannot read the state file ${path}: ${ioReason(error)}`);
    }
    if (head.length > 0 && head !== SQLITE_HEADER) {
      throw new StoreError(`${path} is not an orchestrate state database (not SQLite); it was left untouched. Move it away or pass --state PATH.`);
    }
    const unwritable = whyNotWritable(path);
    if (unwritable !== undefined) {
      if (mode === 'read') return openToRead(path);
      throw new StoreError(`cannot write the state file ${path}: ${unwritable} (its owner can; pass --state PATH for a history of your own)`);
    }
  } else {
    try {
      makeStateDirectory(dirname(path));
    } catch (error) {
      throw new StoreError(ioErrorFrom(dirname(path), error, 'create').message);
    }
  }
  // Two runs opening one new file at once: switching it to WAL takes an exclusive lock that SQLite
  // does not wait for (SQLITE_BUSY at once, busy timeout or not), so the loser tries again.
  for (let attempt = 1; ; attempt++) {
    let db: Database | undefined;
    try {
      db = openDatabase(path, { timeout: 10_000 });
      // Before anything is written, even the journal mode: a file refused stays as it was.
      const stamped = exists && checkKnown(db, path);
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, path, exists, stamped);
      followMove(db, path);
      return db;
    } catch (error) {
      db?.close();
      if (error instanceof StoreError) throw error;
      if ((error as { code?: string }).code === 'SQLITE_BUSY' && attempt < BUSY_ATTEMPTS) {
        Atomics.wait(SLEEP, 0, 0, 20 * attempt);
        continue;
      }
      // SQLite says why it could not open a file, not why it could not create one (a name too long).
      if (!exists) throw new StoreError(`cannot create the state file ${path} (${(error as Error).message})`);
      throw new StoreError(`the state file ${path} is corrupt or unreadable (${(error as Error).message}); it was left untouched. Move it away or pass --state PATH.`);
    }
  }
}

/**
 * Why SQLite could not write the history at `path`, if it could not: the file
 * or its directory (where its write-ahead log goes) is not writable.
 */
function whyNotWritable(path: string): string | undefined {
  for (const where of [path, dirname(path)]) {
    try {
      accessSync(where, constants.W_OK);
    } catch (error) {
      return ioReason(error);
    }
  }
  return undefined;
}

/**
 * A history that cannot be written, opened to be read: in place when SQLite
 * can (its write-ahead log's files are there: a run by its owner goes on) and
 * the schema is this version's; otherwise a copy in memory, brought up to date
 * there and following a project that moved, as a writable one would be.
 */
function openToRead(path: string): Database {
  try {
    const db = openDatabase(path, { readonly: true, fileMustExist: true });
    try {
      if (checkKnown(db, path) && db.pragma('user_version', { simple: true }) === MIGRATIONS.length) return db;
    } catch (error) {
      db.close();
      throw error;
    }
    db.close();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    // SQLite cannot read it in place without making its WAL index: read from a copy.
  }
  let db: Database | undefined;
  try {
    const copy = readFileSync(path);
    // A copy in memory has no write-ahead log: its header says so (bytes 18 and 19, 2 for WAL, 1 without).
    copy[18] = copy[19] = 1;
    db = openDatabase(copy);
    migrate(db, path, true, checkKnown(db, path));
    followMove(db, path);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`the state file ${path} is corrupt or unreadable (${(error as Error).message}); it was left untouched. Move it away or pass --state PATH.`);
  }
}

/** How often opening tries again when another process holds the lock it needs (~10 s in all). */
const BUSY_ATTEMPTS = 30;
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Applies the migrations the file lacks, and stamps the schema it then has as
 * whole (`stamped`: it already was), so that later opens skip the column check.
 */
function migrate(db: Database, path: string, existed: boolean, stamped: boolean): void {
  if (stamped && db.pragma('user_version', { simple: true }) === MIGRATIONS.length) return;
  // Another run may be creating the same new file: what it holds is read again inside the write
  // lock, so its finished migrations are not mistaken for another application's tables.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current === 0 && existed) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      if (tables.n > 0) throw new StoreError(`${path} is an SQLite database of another application; it was left untouched. Pass --state PATH.`);
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(CHECKED, schemaStamp(db));
  }).immediate();
}

/**
 * The meta key that holds the schema last found whole (or built by the
 * migrations): its version and SQLite's count of schema changes, which any
 * table or column dropped since moves on.
 */
const CHECKED = 'schema_checked';

function schemaStamp(db: Database): string {
  return `${db.pragma('user_version', { simple: true })}:${db.pragma('schema_version', { simple: true })}`;
}

/**
 * Refuses an existing file that is not an orchestrate history this version can
 * use: another application's, a newer orchestrate's, or one that lacks a table
 * or column its schema version has (edited by hand) — before a query fails on
 * it halfway through a command. Returns whether its schema is the one last
 * found whole. A version once set never goes back to 0, so these checks need
 * no lock; a file still at 0 is checked inside the migrations' lock.
 */
function checkKnown(db: Database, path: string): boolean {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) return false;
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  const meta = new Map(tables.has('meta') ? (db.prepare('SELECT key, value FROM meta WHERE key IN (?, ?)').raw().all('application', CHECKED) as Array<[string, string]>) : []);
  const app = meta.get('application');
  // Without its meta table, a file that has none of our tables is someone else's; one that has some was damaged.
  if (app !== 'orchestrate' && (tables.has('meta') || !tables.has('runs'))) {
    throw new StoreError(`${path} is an SQLite database of another application; it was left untouched. Pass --state PATH.`);
  }
  if (version > MIGRATIONS.length) {
    throw new StoreError(`${path} was written by a newer orchestrate (schema ${version}, this one knows ${MIGRATIONS.length}).`);
  }
  // Unchanged since it was last found whole: nothing to look at again.
  if (meta.get(CHECKED) === schemaStamp(db)) return true;
  checkColumns(db, path, version);
  return false;
}

const COLUMNS = "SELECT m.name || '.' || c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'";

/**
 * Refuses a file that lacks a table or column of schema `version`: what the
 * first `version` migrations build on an empty database in memory (under a
 * millisecond).
 */
function checkColumns(db: Database, path: string, version: number): void {
  const empty = openDatabase(':memory:');
  let expected: string[];
  try {
    for (const migration of MIGRATIONS.slice(0, version)) empty.exec(migration);
    expected = empty.prepare(COLUMNS).pluck().all() as string[];
  } finally {
    empty.close();
  }
  const present = new Set(db.prepare(COLUMNS).pluck().all() as string[]);
  const missing = expected.filter((column) => !present.has(column));
  if (!missing.length) return;
  const tableOf = (column: string) => column.slice(0, column.indexOf('.'));
  // A table with none of its columns left is named as the table.
  const gone = new Set(missing.map(tableOf).filter((table) => !expected.some((column) => tableOf(column) === table && present.has(column))));
  const named = [...[...gone].map((table) => `the table ${table}`), ...missing.filter((column) => !gone.has(tableOf(column))).map((column) => `the column ${column}`)];
  const list = `${named.slice(0, 3).join(', ')}${named.length > 3 ? ` and ${named.length - 3} more` : ''}`;
  throw new StoreError(`the state file ${path} is damaged: it lacks ${list} of orchestrate's schema ${version}; it was left untouched. Move it away or pass --state PATH.`);
}
