import type BetterSqlite3 from 'better-sqlite3';

/**
 * Keeps every object better-sqlite3 makes for a database alive until the
 * process ends. Built against Node 24's headers, better-sqlite3 12's objects
 * remove an environment cleanup hook when V8 collects them, and when V8 does
 * so outside a JavaScript context (a garbage collection task of the event
 * loop) Node aborts the process (`Assertion failed: (env) != nullptr`, exit
 * 134). Objects alive at exit are deleted by those hooks instead, inside the
 * context. So: each database is kept, and its statements are made once per
 * SQL text and kept with it (its `pragma()` and transactions prepare through
 * the same native method); a kept statement is handed out again in its
 * default mode (no `pluck`, `raw` or `expand`), so two places that prepare
 * the same text share one statement and its mode. Databases are few per
 * process (the CLI opens one or two a command; `--watch` one a run), and
 * closing one finalizes its statements. better-sqlite3 13 fixes this
 * but needs Node 22; on earlier Nodes this only saves compiling a statement
 * twice.
 */

interface NativeDatabase {
  prepare(sql: string, database: unknown, pragma: boolean): BetterSqlite3.Statement;
}

/** Every database opened in this process, closed or not. */
const kept: BetterSqlite3.Database[] = [];

/** `db`, kept, with its native `prepare` (the object under a symbol of its own) made to keep and reuse statements. */
export function keepSqliteObjects(db: BetterSqlite3.Database): BetterSqlite3.Database {
  kept.push(db);
  const native = Object.getOwnPropertySymbols(db).map((symbol) => (db as unknown as Record<symbol, unknown>)[symbol])
    .find((value): value is NativeDatabase => typeof value === 'object' && value !== null && typeof (value as NativeDatabase).prepare === 'function');
  // Another better-sqlite3 than the one this was written for: its objects are left as they are.
  if (!native) return db;
  const prepare = native.prepare;
  const statements = new Map<string, BetterSqlite3.Statement>();
  native.prepare = function keptPrepare(sql: string, database: unknown, pragma: boolean): BetterSqlite3.Statement {
    const key = `${pragma ? 'p' : 's'}${sql}`;
    const statement = statements.get(key);
    // A closed database says so as it always does.
    if (!statement || !db.open) {
      const made = prepare.call(this, sql, database, pragma);
      statements.set(key, made);
      return made;
    }
    if (statement.reader) statement.pluck(false).raw(false).expand(false);
    return statement;
  };
  return db;
}
