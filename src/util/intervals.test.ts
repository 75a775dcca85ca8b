import { describe, expect, it } from 'vitest';
import { lengthOutside } from './intervals.js';
import { seededRandom } from './random.js';

describe('lengthOutside', () => {
  it('measures the time the spans cover and the excluded ones do not', () => {
    expect(lengthOutside([[0, 10]], [])).toBe(10);
    expect(lengthOutside([[0, 10], [5, 15]], [])).toBe(15);
    expect(lengthOutside([[0, 10]], [[2, 4], [3, 6], [8, 20]])).toBe(4);
    expect(lengthOutside([[0, 10], [20, 30]], [[5, 25]])).toBe(10);
    expect(lengthOutside([[0, 10]], [[0, 10]])).toBe(0);
    expect(lengthOutside([[5, 5], [7, 6]], [])).toBe(0);
  });

  it('agrees with counting unit by unit (seeded)', () => {
    const rnd = seededRandom(7);
    const spans = () => Array.from({ length: Math.floor(rnd() * 6) }, () => {
      const a = Math.floor(rnd() * 50);
      return [a, a + Math.floor(rnd() * 15)] as const;
    });
    for (let k = 0; k < 300; k++) {
      const inside = spans();
      const out = spans();
      let units = 0;
      for (let t = 0; t < 70; t++) if (inside.some(([a, b]) => t >= a && t < b) && !out.some(([a, b]) => t >= a && t < b)) units++;
      expect(lengthOutside(inside, out)).toBe(units);
    }
  });
});
