import { describe, expect, it } from 'vitest';
import { dynamicKeys, expandMatrix, matrixKeys, matrixSize, resolveMatrix } from './expand-matrix.js';

const ids = (matrix: Parameters<typeof expandMatrix>[1]) => expandMatrix('t', matrix).map((e) => e.id);

describe('expandMatrix', () => {
  it('crosses the value lists, keys in file order', () => {
    expect(ids({ os: ['linux', 'mac'], node: [20, 22] })).toEqual(['t[linux,20]', 't[linux,22]', 't[mac,20]', 't[mac,22]']);
    expect(ids(undefined)).toEqual(['t']);
  });

  it('drops the combinations an exclude entry matches, partially or whole', () => {
    expect(ids({ os: ['linux', 'mac'], node: [20, 22], exclude: [{ os: 'mac', node: 20 }] })).toEqual(['t[linux,20]', 't[linux,22]', 't[mac,22]']);
    expect(ids({ os: ['linux', 'mac'], node: [20, 22], exclude: [{ os: 'mac' }] })).toEqual(['t[linux,20]', 't[linux,22]']);
  });

  it('applies include as GitHub Actions does (its documented example)', () => {
    const expansions = expandMatrix('t', {
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
    expect(expansions.map((e) => e.values)).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
    expect(expansions.map((e) => e.id)).toEqual(['t[apple,cat,pink,circle]', 't[apple,dog,green,circle]', 't[pear,cat,pink]', 't[pear,dog,green]', 't[banana]', 't[banana,cat]']);
  });

  it('extends a combination with a key it does not have, whatever the key is called', () => {
    // `valueOf` is a name every JavaScript object answers to; the combination still lacks it.
    const expansions = expandMatrix('t', { os: ['linux', 'mac'], include: [{ os: 'linux', valueOf: 'extra' }] });
    expect(expansions.map((e) => e.values)).toEqual([{ os: 'linux', valueOf: 'extra' }, { os: 'mac' }]);
  });

  it('excludes before it includes, and makes a matrix of include entries alone', () => {
    expect(ids({ os: ['linux', 'mac'], exclude: [{ os: 'mac' }], include: [{ os: 'mac', arm: true }] })).toEqual(['t[linux]', 't[mac,true]']);
    expect(ids({ include: [{ os: 'linux' }, { os: 'mac', arm: true }] })).toEqual(['t[linux]', 't[mac,true]']);
  });

  it('knows every key an expansion may have, and an upper bound of their number', () => {
    expect(matrixKeys({ os: ['a'], include: [{ os: 'b', extra: 1 }], exclude: [{ os: 'a' }] })).toEqual(['os', 'extra']);
    expect(matrixSize({ a: [1, 2], b: [1, 2, 3], include: [{ a: 9 }] })).toBe(7);
    expect(matrixSize({ include: [{ a: 1 }, { a: 2 }] })).toBe(2);
  });
});

describe('a matrix from outputs', () => {
  const matrix = { file: '${{ tasks.find.outputs.files }}', mode: ['fast'], exclude: [{ file: 'skip.ts' }] };
  const render = (value: string) => (template: string) => (template === '${{ tasks.find.outputs.files }}' ? value : '');

  it('knows which keys come from outputs, and counts as one task before the run', () => {
    expect(dynamicKeys(matrix)).toEqual(['file']);
    expect(dynamicKeys({ file: ['a'] })).toEqual([]);
    expect(matrixSize(matrix)).toBe(1);
  });

  it('reads a JSON array of scalars, or else one value per non-empty line, then expands as a written matrix would', () => {
    const fromJson = resolveMatrix(matrix, render('["a.ts", 2, true, "skip.ts"]'));
    expect(fromJson).toEqual({ matrix: { file: ['a.ts', 2, true, 'skip.ts'], mode: ['fast'], exclude: [{ file: 'skip.ts' }] } });
    expect(expandMatrix('review', (fromJson as { matrix: typeof matrix }).matrix).map((e) => e.id)).toEqual(['review[a.ts,fast]', 'review[2,fast]', 'review[true,fast]']);
    expect(resolveMatrix(matrix, render('  a.ts\r\n\n b c.ts \n'))).toMatchObject({ matrix: { file: ['a.ts', 'b c.ts'] } });
    // Text that only looks like JSON is lines.
    expect(resolveMatrix(matrix, render('[draft] notes.md'))).toMatchObject({ matrix: { file: ['[draft] notes.md'] } });
    expect(resolveMatrix(matrix, render(''))).toMatchObject({ matrix: { file: [] } });
    // A template the caller does not know yet stays as it is.
    expect(resolveMatrix(matrix, () => undefined)).toEqual({ matrix });
  });

  it('refuses JSON that is not a list of scalars', () => {
    for (const value of ['{"a": 1}', '[{"a": 1}]', '[[1]]', '[null]']) {
      expect(resolveMatrix(matrix, render(value)), value).toEqual({ problem: { key: 'file', message: 'matrix.file: ${{ tasks.find.outputs.files }} is JSON but not a list of strings, numbers and booleans' } });
    }
  });
});
