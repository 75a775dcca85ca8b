import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads seconds and unit strings', () => {
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('1.5s')).toBe(1.5);
    expect(parseDuration('12')).toBe(12);
  });
  it('rejects what is not a duration', () => {
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('m5')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });
  it('formats compactly', () => {
    expect(formatDuration(0.5)).toBe('0.5s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
  });
});
