import { afterEach, describe, expect, it } from 'vitest';
import { useColor } from './colors.js';

describe('useColor', () => {
  const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const set = (noColor: string | undefined, forceColor: string | undefined) => {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    if (forceColor === undefined) delete process.env.FORCE_COLOR;
    else process.env.FORCE_COLOR = forceColor;
  };

  it('colours a terminal, not a pipe; NO_COLOR turns it off when it is not empty (no-color.org); FORCE_COLOR turns it on', () => {
    set(undefined, undefined);
    expect([useColor({ isTTY: true }), useColor({ isTTY: false })]).toEqual([true, false]);
    set('1', undefined);
    expect(useColor({ isTTY: true })).toBe(false);
    set('', undefined);
    expect(useColor({ isTTY: true })).toBe(true);
    set('1', '1');
    expect(useColor({ isTTY: false })).toBe(true);
    set(undefined, '0');
    expect([useColor({ isTTY: true }), useColor({ isTTY: false })]).toEqual([true, false]);
  });
});
