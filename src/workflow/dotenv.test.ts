import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';

describe('dotenv files', () => {
  it('read NAME=value lines as the dotenv libraries do', () => {
    const text = [
      '\uFEFF# a comment', '', 'export API_KEY=sk-123', 'PLAIN = some value # a comment', 'HASH=a#b', 'EMPTY=',
      'DOUBLE="a\\nb\\t\\"c\\" \\\\ $HOME"  # after', "SINGLE='as $written\\n'", 'MULTI="one', 'two"', "MULTI2='x", "y'", 'PLAIN=later wins', 'CRLF=v\r',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      values: {
        API_KEY: 'sk-123', PLAIN: 'later wins', HASH: 'a#b', EMPTY: '', DOUBLE: 'a\nb\t"c" \\ $HOME',
        SINGLE: 'as $written\\n', MULTI: 'one\ntwo', MULTI2: 'x\ny', CRLF: 'v',
      },
      problems: [],
    });
  });

  it('name the line of anything that is not NAME=value', () => {
    expect(parseDotenv('A=1\nnot a pair\n1X=2\nB="open\n').problems).toEqual([
      { line: 2, message: 'expected NAME=value: the line has no "="' },
      { line: 3, message: '"1X" is not a variable name' },
      { line: 4, message: 'the value of B opens a double quote that is never closed' },
    ]);
    // An object key JavaScript would take for the prototype: the variable would be lost.
    expect(parseDotenv('__proto__=1\n').problems).toEqual([{ line: 1, message: '"__proto__" is not a valid variable name: the name is reserved, as JavaScript gives it a meaning of its own' }]);
    expect(parseDotenv("C='x' y").problems).toEqual([{ line: 1, message: 'unexpected text after the closing quote of the value of C' }]);
    // A byte that was not UTF-8 (Latin-1's é), also inside a value of several lines.
    expect(parseDotenv('A=1\nB="caf\ufffd\nau lait"\n').problems).toEqual([{ line: 2, message: 'holds a byte that is not UTF-8 (was the file saved as Latin-1 or Windows-1252? save it as UTF-8), or U+FFFD, the mark a conversion leaves where it lost a character' }]);
    expect(parseDotenv('A="one\ntwo \ufffd"\n').problems.map((p) => p.line)).toEqual([2]);
  });
});

describe('dotenv files under random text (seeded fuzz)', () => {
  it('never throw, and give back any value written double-quoted with escapes', async () => {
    const { seededRandom } = await import('../util/random.js');
    const rnd = seededRandom(43);
    const chars = ['a', 'Z', '0', ' ', '#', '=', '"', "'", '\\', '\n', '\t', '$', '{', '}', 'é', '\r'];
    const escape = (v: string) => v.replace(/[\\"$]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
    for (let round = 0; round < 3000; round++) {
      let value = '';
      for (let k = Math.floor(rnd() * 20); k > 0; k--) value += chars[Math.floor(rnd() * chars.length)];
      // Any text at all parses or names its line.
      const junk = parseDotenv(value);
      for (const p of junk.problems) expect(p.line).toBeGreaterThanOrEqual(1);
      expect(parseDotenv(`NAME="${escape(value)}"\nOTHER=1\n`)).toEqual({ values: { NAME: value, OTHER: '1' }, problems: [] });
    }
  });
});
