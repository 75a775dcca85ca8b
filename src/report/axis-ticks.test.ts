import { describe, expect, it } from 'vitest';
import { axisTicks } from './axis-ticks.js';

const labels = (wall: number) => axisTicks(wall).map((t) => t.label);

describe('axisTicks', () => {
  it('puts at most ten ticks after 0 at a round step, labelled as a clock would', () => {
    expect(labels(0.03)).toEqual(['0', '5ms', '10ms', '15ms', '20ms', '25ms', '30ms']);
    expect(labels(0.8)).toEqual(['0', '0.1s', '0.2s', '0.3s', '0.4s', '0.5s', '0.6s', '0.7s', '0.8s']);
    expect(labels(42)).toEqual(['0', '5s', '10s', '15s', '20s', '25s', '30s', '35s', '40s']);
    expect(labels(150)).toEqual(['0', '15s', '30s', '45s', '1m', '1m15s', '1m30s', '1m45s', '2m', '2m15s', '2m30s']);
    expect(labels(5400)).toEqual(['0', '10m', '20m', '30m', '40m', '50m', '1h', '1h10m', '1h20m', '1h30m']);
    expect(labels(3 * 86400)).toEqual(['0', '12h', '24h', '36h', '48h', '60h', '72h']);
    expect(labels(30 * 86400)).toEqual(['0', '72h', '144h', '216h', '288h', '360h', '432h', '504h', '576h', '648h', '720h']);
  });

  it('keeps the labels distinct and the ticks within the axis, from a millisecond to weeks', () => {
    for (const wall of [0.001, 0.0123, 0.999, 1, 7.3, 59.9, 61, 3599, 3601, 86399, 86400 * 3.5, 86400 * 30]) {
      const ticks = axisTicks(wall);
      expect(ticks[0], String(wall)).toEqual({ at: 0, label: '0' });
      expect(ticks.length, String(wall)).toBeGreaterThanOrEqual(2);
      expect(ticks.length, String(wall)).toBeLessThanOrEqual(11);
      expect(new Set(ticks.map((t) => t.label)).size, String(wall)).toBe(ticks.length);
      expect(ticks[ticks.length - 1]!.at, String(wall)).toBeLessThanOrEqual(wall * (1 + 1e-9));
    }
  });
});
