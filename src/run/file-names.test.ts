import { describe, expect, it } from 'vitest';
import { fileSafeName } from './file-names.js';

describe('fileSafeName', () => {
  it('keeps safe ids, and makes others safe and distinct', () => {
    expect(fileSafeName('build.web-1')).toBe('build.web-1');
    expect(fileSafeName('a/b')).toMatch(/^a_b-[0-9a-f]{6}$/);
    expect(fileSafeName('a/b')).not.toBe(fileSafeName('a_b'));
    expect(fileSafeName('a:b')).not.toBe(fileSafeName('a/b'));
  });

  it('cuts long ids (matrix expansions) far below the file-name limit, still distinct', () => {
    const base = `t[${'v'.repeat(300)}`;
    const one = fileSafeName(`${base}1]`);
    const two = fileSafeName(`${base}2]`);
    expect(one).not.toBe(two);
    expect(`${one}.10.env`.length).toBeLessThan(140);
    expect(fileSafeName('x'.repeat(200))).toHaveLength(127);
  });
});
