import { describe, expect, it } from 'vitest';
import { isCpuShare, slotsOf } from './cpu-share.js';

describe('shares of the CPUs', () => {
  it('reads a whole percentage of the CPUs, rounded down, at least one slot', () => {
    expect([slotsOf('50%', 2), slotsOf('50%', 3), slotsOf('100%', 8), slotsOf('150%', 4), slotsOf('1%', 8)]).toEqual([1, 1, 8, 6, 1]);
    expect(slotsOf(5, 2)).toBe(5);
  });
  it('knows a share as the schema writes it', () => {
    expect(['50%', '100%', '1%', '2000%'].every(isCpuShare)).toBe(true);
    expect(['0%', '50', '12.5%', ' 50%', '50 %', '-5%', '10000%'].some(isCpuShare)).toBe(false);
  });
});
