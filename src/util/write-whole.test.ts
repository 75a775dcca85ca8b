import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWhole } from './write-whole.js';

describe('writeWhole', () => {
  it('writes a text, or its pieces, in place of what was there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-whole-'));
    writeFileSync(join(dir, 'f'), 'old');
    writeWhole(join(dir, 'f'), 'new text');
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('new text');
    writeWhole(join(dir, 'g'), ['a', 'b', 'c']);
    expect(readFileSync(join(dir, 'g'), 'utf8')).toBe('abc');
    expect(readdirSync(dir).sort()).toEqual(['f', 'g']);
  });

  it('keeps the file there as it was, and leaves nothing else, when the writing fails part way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-whole-'));
    writeFileSync(join(dir, 'report.html'), 'the earlier report');
    function* pieces(): Generator<string> {
      yield 'half of it';
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    expect(() => writeWhole(join(dir, 'report.html'), pieces())).toThrow(/ENOSPC/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('the earlier report');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it.skipIf(process.platform !== 'linux')('fails, not writing part of a piece quietly, when the system takes only part of it', () => {
    // Under a limit on file size (ulimit -f: 512 bytes) a write takes what fits and says so only in its count.
    const dir = mkdtempSync(join(tmpdir(), 'write-whole-'));
    writeFileSync(join(dir, 'result.json'), '{"earlier":true}');
    const module = resolve(import.meta.dirname, '../../dist/util/write-whole.js');
    const script = `import { writeWhole } from ${JSON.stringify(module)};
      try { writeWhole('result.json', ['x'.repeat(400), 'y'.repeat(400)]); console.log('written'); } catch (error) { console.log(error.code); }`;
    const r = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 1; exec "$0" --input-type=module -e "$1"`, process.execPath, script], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout.trim(), r.stderr).toBe('EFBIG');
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).toBe('{"earlier":true}');
    expect(readdirSync(dir)).toEqual(['result.json']);
  });
});
