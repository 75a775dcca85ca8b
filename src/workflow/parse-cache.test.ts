import { existsSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactInJson, MAX_PARSED, ParseCache } from './parse-cache.js';

const dir = () => join(mkdtempSync(join(tmpdir(), 'parse-cache-')), 'parsed');

/** Holds a value and keeps it at once, as a run without secrets does. */
function put(cache: ParseCache, text: string, value: unknown): void {
  cache.hold(text, value);
  cache.keep([]);
}

describe('ParseCache', () => {
  it('gives back what it kept for the same text and build only', () => {
    const where = dir();
    const cache = new ParseCache(where, 'build-1');
    const value = { version: 1, tasks: { a: { run: 'echo hi', needs: [], estimate: 0.5 } } };
    expect(cache.get('text')).toBeUndefined();
    put(cache, 'text', value);
    expect(cache.get('text')).toEqual(value);
    expect(cache.get('text ')).toBeUndefined();
    expect(new ParseCache(where, 'build-2').get('text')).toBeUndefined();
    // Nothing half-written is left beside it.
    expect(readdirSync(where).filter((name) => !name.endsWith('.json'))).toEqual([]);
  });

  it('keeps nothing JSON would not give back exactly', () => {
    const shared = { run: 'x' };
    for (const value of [{ a: shared, b: shared }, { n: Infinity }, { n: Number.NaN }, { n: -0 }, { d: new Date(0) }, { f: () => 1 }]) {
      expect(exactInJson(value)).toBe(false);
      const cache = new ParseCache(dir(), 'b');
      put(cache, 't', value);
      expect(cache.get('t')).toBeUndefined();
    }
    expect(exactInJson({ a: { run: 'x' }, b: { run: 'x' }, list: [1, 'two', null, true, { c: [] }] })).toBe(true);
    expect(exactInJson({ long: Array.from({ length: 300_000 }, (_, i) => i) })).toBe(true);
  });

  it(`keeps the newest ${MAX_PARSED} texts`, () => {
    const where = dir();
    const cache = new ParseCache(where, 'b');
    const names: string[] = [];
    for (let i = 0; i < MAX_PARSED; i++) {
      const before = new Set(existsSync(where) ? readdirSync(where) : []);
      put(cache, `text ${i}`, { i });
      const added = readdirSync(where).filter((name) => !before.has(name));
      expect(added).toHaveLength(1);
      names.push(added[0]!);
      // Older in the order written, whatever the file system's time resolution.
      utimesSync(join(where, added[0]!), 1_000 + i, 1_000 + i);
    }
    put(cache, 'one more', { more: true });
    const left = readdirSync(where);
    expect(left).toHaveLength(MAX_PARSED);
    expect(left).not.toContain(names[0]);
    expect(cache.get('text 0')).toBeUndefined();
    expect(cache.get('text 1')).toEqual({ i: 1 });
    expect(cache.get('one more')).toEqual({ more: true });
  });

  it('is a miss, not an error, where it cannot be read or written', () => {
    const where = dir();
    const cache = new ParseCache(where, 'b');
    put(cache, 't', { a: 1 });
    const [entry] = readdirSync(where);
    // A damaged entry (cut short, or changed without its hash) is a miss.
    writeFileSync(join(where, entry!), '{"a": ');
    expect(cache.get('t')).toBeUndefined();
    put(cache, 't', { a: 1 });
    writeFileSync(join(where, entry!), readFileSync(join(where, entry!), 'utf8').replace('"a":1', '"a":2'));
    expect(cache.get('t')).toBeUndefined();
    // Its directory cannot be made (a file is in the way): nothing kept, nothing thrown.
    const blocked = new ParseCache(join(where, entry!, 'below'), 'b');
    expect(() => put(blocked, 't', { a: 1 })).not.toThrow();
    expect(blocked.get('t')).toBeUndefined();
  });

  it('keeps no text that holds the value of a secret, and what it was given as it was then', () => {
    const where = dir();
    const cache = new ParseCache(where, 'b');
    cache.hold('env: { API_TOKEN: tok-123456 }', { env: { API_TOKEN: 'tok-123456' } });
    const value = { tasks: {} as Record<string, unknown> };
    cache.hold('tasks: {}', value);
    // Changed after it was held: loading may build on the value it parsed.
    value.tasks.late = { run: 'x' };
    cache.keep(['tok-123456']);
    expect(cache.get('env: { API_TOKEN: tok-123456 }')).toBeUndefined();
    expect(cache.get('tasks: {}')).toEqual({ tasks: {} });
    expect(readdirSync(where)).toHaveLength(1);
    // Kept once: what it held is gone.
    cache.keep([]);
    expect(readdirSync(where)).toHaveLength(1);
  });
});
