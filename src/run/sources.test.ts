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
  it('depends on contents and names, not on times or the order of the patterns', async () => {
    const dir = project();
    const before = await fingerprintSources(['src', 'package.json'], dir);
    expect(before).toMatch(/^[0-9a-f]{32}$/);
    utimesSync(join(dir, 'src/a.ts'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await fingerprintSources(['package.json', 'src/'], dir)).toBe(before);
    // A directory, a ** glob and the files themselves name the same set.
    expect(await fingerprintSources(['src/**', 'package.json'], dir)).toBe(before);
    expect(await fingerprintSources(['./src/a.ts', 'src/deep/b.ts', 'package.json'], dir)).toBe(before);
    writeFileSync(join(dir, 'src/a.ts'), 'A');
    const edited = await fingerprintSources(['src', 'package.json'], dir);
    expect(edited).not.toBe(before);
    writeFileSync(join(dir, 'src/a.ts'), 'a');
    expect(await fingerprintSources(['src', 'package.json'], dir)).toBe(before);
  });

  it('changes when a file is added, removed or renamed, or a named missing file appears', async () => {
    const dir = project();
    const base = await fingerprintSources(['src/**/*.ts', 'missing.txt'], dir);
    writeFileSync(join(dir, 'src/c.ts'), '');
    const added = await fingerprintSources(['src/**/*.ts', 'missing.txt'], dir);
    expect(added).not.toBe(base);
    rmSync(join(dir, 'src/c.ts'));
    expect(await fingerprintSources(['src/**/*.ts', 'missing.txt'], dir)).toBe(base);
    rmSync(join(dir, 'src/deep/b.ts'));
    writeFileSync(join(dir, 'src/deep/renamed.ts'), 'b');
    expect(await fingerprintSources(['src/**/*.ts', 'missing.txt'], dir)).not.toBe(base);
    const withoutMissing = await fingerprintSources(['src/**/*.ts', 'missing.txt'], dir);
    writeFileSync(join(dir, 'missing.txt'), '');
    expect(await fingerprintSources(['src/**/*.ts', 'missing.txt'], dir)).not.toBe(withoutMissing);
  });

  it('leaves out hidden directories and node_modules unless they are named', async () => {
    const dir = project();
    const base = await fingerprintSources(['.'], dir);
    mkdirSync(join(dir, '.orchestrate'));
    writeFileSync(join(dir, '.orchestrate/state.db'), 'x');
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules/x.js'), 'x');
    expect(await fingerprintSources(['.'], dir)).toBe(base);
    expect(await fingerprintSources(['node_modules'], dir)).not.toBe(await fingerprintSources(['missing'], dir));
  });

  it('never reads a FIFO or a device: they would block the runner or never end', async () => {
    const dir = project();
    execFileSync('mkfifo', [join(dir, 'src/pipe')]);
    const withPipe = await fingerprintSources(['src', '/dev/zero'], dir);
    expect(await fingerprintSources(['src', '/dev/zero'], dir)).toBe(withPipe);
    rmSync(join(dir, 'src/pipe'));
    expect(await fingerprintSources(['src', '/dev/zero'], dir)).not.toBe(withPipe);
  });

  it('reads a large file in chunks', async () => {
    const dir = project();
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(5 * 1024 * 1024, 1));
    const one = await fingerprintSources(['big.bin'], dir);
    const bytes = Buffer.alloc(5 * 1024 * 1024, 1);
    bytes[bytes.length - 1] = 2;
    writeFileSync(join(dir, 'big.bin'), bytes);
    expect(await fingerprintSources(['big.bin'], dir)).not.toBe(one);
  });

  it('lets the event loop run while it reads, and gives up when told to stop', async () => {
    const dir = project();
    // Enough bytes that hashing them takes well over one slice of the event loop.
    for (let k = 0; k < 8; k++) writeFileSync(join(dir, `src/big${k}.bin`), Buffer.alloc(16 * 1024 * 1024, k));
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const whole = await fingerprintSources(['src'], dir);
    clearInterval(timer);
    expect(whole).toMatch(/^[0-9a-f]{32}$/);
    expect(turns).toBeGreaterThan(0);
    // Stopped once the event loop has had a turn: no fingerprint, rather than a wrong one.
    let stop = false;
    setImmediate(() => { stop = true; });
    expect(await fingerprintSources(['src'], dir, () => stop)).toBeUndefined();
    expect(await fingerprintSources(['src'], dir, () => false)).toBe(whole);
  });
});
