import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Database } from './open-store.js';

function store(): Database {
  return openStore(join(mkdtempSync(join(tmpdir(), 'keep-')), 'state.db'));
}

describe('the statements of an opened store', () => {
  it('are made once per SQL text, and handed out again in their default mode', () => {
    const db = store();
    db.exec("CREATE TABLE t (k TEXT, v INTEGER); INSERT INTO t VALUES ('a', 1), ('b', 2)");
    const sql = 'SELECT k, v FROM t ORDER BY k';
    const plucked = db.prepare(sql).pluck();
    expect(plucked.all()).toEqual(['a', 'b']);
    const again = db.prepare(sql);
    expect(again).toBe(plucked);
    expect(again.all()).toEqual([{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
    expect(db.prepare(sql).raw().all()).toEqual([['a', 1], ['b', 2]]);
    expect(db.prepare(sql).expand().get()).toEqual({ t: { k: 'a', v: 1 } });
    expect(db.prepare(sql).get()).toEqual({ k: 'a', v: 1 });
    // Another text is another statement.
    expect(db.prepare(`${sql} DESC`)).not.toBe(again);
  });

  it('work for writes, pragmas and transactions as before', () => {
    const db = store();
    db.exec('CREATE TABLE t (v INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    expect(db.prepare('INSERT INTO t VALUES (?)')).toBe(insert);
    db.transaction((values: number[]) => {
      for (const v of values) insert.run(v);
    })([1, 2, 3]);
    expect(() => db.transaction(() => {
      insert.run(4);
      throw new Error('rolled back');
    })()).toThrow('rolled back');
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('belong to their database: another has its own, and a closed one refuses as it did', () => {
    const a = store();
    const b = store();
    expect(a.prepare('SELECT 1')).not.toBe(b.prepare('SELECT 1'));
    const before = a.prepare('SELECT 1');
    a.close();
    expect(() => a.prepare('SELECT 1')).toThrow(/not open/);
    expect(() => before.get()).toThrow(/not open/);
    expect(b.prepare('SELECT 1').pluck().get()).toBe(1);
  });
});
