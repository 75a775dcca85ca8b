import { describe, expect, it } from 'vitest';
import { mayHoldNul, nulByteProblems } from './nul-bytes.js';

describe('NUL bytes in a workflow', () => {
  it('are possible only where the text has one or an escape that writes one', () => {
    for (const text of ['a: "x\\0y"', 'a: "\\x00"', 'a: "\\u0000"', 'a: "\\U00000000"', 'a: "x\u0000"']) expect(mayHoldNul(text), text).toBe(true);
    for (const text of ['a: plain', 'a: "tab\\t"', "a: 'back\\slash'"]) expect(mayHoldNul(text), text).toBe(false);
  });

  it('are reported at each value that holds one, once per aliased node, never under x- keys', () => {
    const shared = { run: 'a\0b' };
    const problems = nulByteProblems({ 'x-notes': '\0', env: { X: '\0' }, tasks: { a: shared, b: shared, c: { needs: ['ok', 'n\0'] } } });
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['nul-byte', ['env', 'X']],
      ['nul-byte', ['tasks', 'a', 'run']],
      ['nul-byte', ['tasks', 'c', 'needs', 1]],
    ]);
    expect(problems[2]!.message).toBe('tasks.c.needs[1] holds a NUL byte (\\0), which no command, environment variable or path can carry');
  });
});
