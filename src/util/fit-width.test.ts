import { describe, expect, it } from 'vitest';
import { seededRandom } from './random.js';
import { fitWidth, textWidth } from './fit-width.js';

describe('fitWidth', () => {
  it('leaves a text that fits as it is, and cuts one that does not at its end or its middle, with …', () => {
    expect(fitWidth('build', 5)).toBe('build');
    expect(fitWidth('build', 4)).toBe('bu…');
    expect(fitWidth('review[src/components/button.tsx,thorough]', 20, 'middle')).toBe('review[sr…thorough]');
    expect(fitWidth('abcdef', 2)).toBe('…');
    expect(fitWidth('abcdef', 1)).toBe('');
  });

  it('counts wide characters as two columns and never cuts one in half', () => {
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('c[👍🏽]')).toBe(7);
    expect(fitWidth('日本語のタスク', 6)).toBe('日本…');
    expect(fitWidth('a日本語b', 5, 'middle')).toBe('a…b');
  });

  it('gives a text that takes at most the width asked, and keeps as much of both ends as fits (seeded)', () => {
    const rnd = seededRandom(7);
    const alphabet = ['a', 'Z', '-', '[', ',', '日', '👍', 'é', '\u0301'];
    for (let round = 0; round < 500; round++) {
      const text = Array.from({ length: Math.floor(rnd() * 40) }, () => alphabet[Math.floor(rnd() * alphabet.length)]!).join('');
      const width = Math.floor(rnd() * 30);
      for (const where of ['end', 'middle'] as const) {
        const cut = fitWidth(text, width, where);
        expect(textWidth(cut)).toBeLessThanOrEqual(width);
        if (textWidth(text) <= width) expect(cut).toBe(text);
        else if (width > 1) {
          const [start, end = ''] = cut.split('…');
          expect(text.startsWith(start!)).toBe(true);
          expect(text.endsWith(end)).toBe(true);
          // Nothing more would have fitted.
          expect(textWidth(cut)).toBeGreaterThanOrEqual(width - 1);
        } else {
          expect(cut).toBe('');
        }
      }
    }
  });
});
