import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSqlite, loadSqliteAddon } from './load-sqlite.js';
import { keepSqliteObjects } from './keep-sqlite-objects.js';

describe('loading better-sqlite3', () => {
  it('loads the installed native module', () => {
    const { Database, addon } = loadSqlite();
    // Kept as the store keeps its own: a collected one aborts the test process on Node 24.
    const db = keepSqliteObjects(new Database(':memory:', { nativeBinding: addon as unknown as string }));
    expect(db.prepare('SELECT 1 + 1 AS n').get()).toEqual({ n: 2 });
    db.close();
  });

  it('says a native module this Node cannot load is to be rebuilt, with the reason, as a user error (exit 2)', () => {
    // What a damaged module, or one built for another Node.js after a version switch, does: dlopen refuses it.
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-addon-'));
    mkdirSync(join(dir, 'build/Release'), { recursive: true });
    writeFileSync(join(dir, 'build/Release/better_sqlite3.node'), 'not a shared object');
    let caught: unknown;
    try {
      loadSqliteAddon(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'io', exitCode: 2 });
    expect((caught as Error).message).toMatch(/^the run history's SQLite module \(better-sqlite3\) cannot be loaded: .*(invalid ELF header|too short).* \(Node\.js v\d+\.\d+\.\d+\); rebuild it for this Node\.js with npm rebuild better-sqlite3$/);
  });

  it('names the two Node.js module versions when the module was built for another Node.js', () => {
    // Its own loader (bindings, used when build/Release has none) saying what Node says then.
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-addon-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    mkdirSync(join(dir, 'node_modules/bindings'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/bindings/index.js'), `module.exports = () => { throw new Error("The module '/x/better_sqlite3.node'\\nwas compiled against a different Node.js version using\\nNODE_MODULE_VERSION 115. This version of Node.js requires\\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing"); };`);
    expect(() => loadSqliteAddon(dir)).toThrow(`the run history's SQLite module (better-sqlite3) cannot be loaded: it was built for another Node.js (module version 115; this one, ${process.version}, needs 127); rebuild it for this Node.js with npm rebuild better-sqlite3`);
  });
});
