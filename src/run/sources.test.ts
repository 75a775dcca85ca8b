import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fingerprintSources } from './sources.js';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrate-sources-'));
  mkdirSync(join(dir, 'src/deep'), { recursive: true });
  writeFileSync(join(dir, 'src/a.ts'), 'a');
  writeFileSync(join(dir, 'src/deep/b.ts'), 'b');
  writeFileSync(join(dir, 'package.json'), '{}');
  return dir;
}

describe('the fingerprint of sources', () => {
  it('depends on contents and names, not on times or the order of the patterns', () => {
    const dir = project();
    const before = fingerprintSources(['src', 'package.json'], dir);
    expect(before).toMatch(/^[0-9a-f]{32}$/);
    utimesSync(join(dir, 'src/a.ts'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(fingerprintSources(['package.json', 'src/'], dir)).toBe(before);
    // A directory, a ** glob and the files themselves name the same set.
    expect(fingerprintSources(['src/**', 'package.json'], dir)).toBe(before);
    expect(fingerprintSources(['./src/a.ts', 'src/deep/b.ts', 'package.json'], dir)).toBe(before);
    writeFileSync(join(dir, 'src/a.ts'), 'A');
    const edited = fingerprintSources(['src', 'package.json'], dir);
    expect(edited).not.toBe(before);
    writeFileSync(join(dir, 'src/a.ts'), 'a');
    expect(fingerprintSources(['src', 'package.json'], dir)).toBe(before);
  });

  it('changes when a file is added, removed or renamed, or a named missing file appears', () => {
    const dir = project();
    const base = fingerprintSources(['src/**/*.ts', 'missing.txt'], dir);
    writeFileSync(join(dir, 'src/c.ts'), '');
    const added = fingerprintSources(['src/**/*.ts', 'missing.txt'], dir);
    expect(added).not.toBe(base);
    rmSync(join(dir, 'src/c.ts'));
    expect(fingerprintSources(['src/**/*.ts', 'missing.txt'], dir)).toBe(base);
    rmSync(join(dir, 'src/deep/b.ts'));
    writeFileSync(join(dir, 'src/deep/renamed.ts'), 'b');
    expect(fingerprintSources(['src/**/*.ts', 'missing.txt'], dir)).not.toBe(base);
    const withoutMissing = fingerprintSources(['src/**/*.ts', 'missing.txt'], dir);
    writeFileSync(join(dir, 'missing.txt'), '');
    expect(fingerprintSources(['src/**/*.ts', 'missing.txt'], dir)).not.toBe(withoutMissing);
  });

  it('leaves out hidden directories and node_modules unless they are named', () => {
    const dir = project();
    const base = fingerprintSources(['.'], dir);
    mkdirSync(join(dir, '.orchestrate'));
    writeFileSync(join(dir, '.orchestrate/state.db'), 'x');
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules/x.js'), 'x');
    expect(fingerprintSources(['.'], dir)).toBe(base);
    expect(fingerprintSources(['node_modules'], dir)).not.toBe(fingerprintSources(['missing'], dir));
  });

  it('never reads a FIFO or a device: they would block the runner or never end', () => {
    const dir = project();
    execFileSync('mkfifo', [join(dir, 'src/pipe')]);
    const withPipe = fingerprintSources(['src', '/dev/zero'], dir);
    expect(fingerprintSources(['src', '/dev/zero'], dir)).toBe(withPipe);
    rmSync(join(dir, 'src/pipe'));
    expect(fingerprintSources(['src', '/dev/zero'], dir)).not.toBe(withPipe);
  });

  it('reads a large file in chunks', () => {
    const dir = project();
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(5 * 1024 * 1024, 1));
    const one = fingerprintSources(['big.bin'], dir);
    const bytes = Buffer.alloc(5 * 1024 * 1024, 1);
    bytes[bytes.length - 1] = 2;
    writeFileSync(join(dir, 'big.bin'), bytes);
    expect(fingerprintSources(['big.bin'], dir)).not.toBe(one);
  });
});
