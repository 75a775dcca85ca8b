import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './random.js';
import { tailStart } from './tail-start.js';

const dir = mkdtempSync(join(tmpdir(), 'tail-'));
function tailOf(text: string | Buffer, lines: number): string {
  const path = join(dir, 'f');
  writeFileSync(path, text);
  const fd = openSync(path, 'r');
  try {
    return readFileSync(path).subarray(tailStart(fd, lines)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

describe('tailStart', () => {
  it('finds where the last lines begin, with or without a final newline', () => {
    expect(tailOf('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(tailOf('a\nb\nc', 2)).toBe('b\nc');
    expect(tailOf('a\nb\nc\n', 5)).toBe('a\nb\nc\n');
    expect(tailOf('a\nb\nc\n', 0)).toBe('');
    expect(tailOf('', 3)).toBe('');
    expect(tailOf('\n\n\n', 2)).toBe('\n\n');
  });

  it('agrees with splitting the text, across chunk boundaries and multibyte characters (seeded)', () => {
    const rnd = seededRandom(9);
    for (let round = 0; round < 40; round++) {
      const lines = Array.from({ length: Math.floor(rnd() * 3000) }, () => 'é€x'.repeat(Math.floor(rnd() * 60)));
      const text = lines.join('\n') + (rnd() < 0.5 ? '\n' : '');
      const n = Math.floor(rnd() * 50);
      const body = text.endsWith('\n') ? text.slice(0, -1) : text;
      const parts = body === '' && !text.endsWith('\n') ? [] : body.split('\n');
      const expected = n === 0 ? '' : parts.slice(-n).join('\n') + (text.endsWith('\n') ? '\n' : '');
      expect(tailOf(text, n), `round ${round}`).toBe(text.length ? expected : '');
    }
  });
});
