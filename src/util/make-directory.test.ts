import { existsSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from './make-directory.js';

const root = () => mkdtempSync(join(tmpdir(), 'mkdir-'));
const codeOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
  return 'no error';
};

describe('makeDirectory', () => {
  it('creates missing parents and accepts an existing directory', () => {
    const dir = join(root(), 'a', 'b', 'c');
    makeDirectory(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    makeDirectory(dir);
    makeDirectory(join(dir, '..'));
  });

  it('fails at once where Node\'s recursive mkdir spins: a dangling symlink on the way, a path under /proc', () => {
    const base = root();
    symlinkSync(join(base, 'gone'), join(base, 'link'));
    expect(codeOf(() => makeDirectory(join(base, 'link', 'x')))).toBe('ENOENT');
    expect(codeOf(() => makeDirectory(join(base, 'link')))).toBe('ENOENT');
    if (existsSync('/proc/self')) expect(codeOf(() => makeDirectory('/proc/orchestrate-test/x'))).toBe('ENOENT');
  });

  it('names a file in the way', () => {
    const base = root();
    writeFileSync(join(base, 'file'), '');
    expect(codeOf(() => makeDirectory(join(base, 'file')))).toBe('EEXIST');
    expect(codeOf(() => makeDirectory(join(base, 'file', 'sub')))).toBe('ENOTDIR');
  });
});
