import { describe, expect, it } from 'vitest';
import { outputLine } from './visible-text.js';

describe('outputLine', () => {
  it('keeps what a terminal leaves of a line redrawn with carriage returns', () => {
    expect(outputLine('10%\r50%\r100%')).toBe('100%');
    expect(outputLine('done\r')).toBe('done');
    expect(outputLine('windows line\r\r')).toBe('windows line');
  });

  it('drops colours, cursor moves and titles, and escapes what is left of a command cut short', () => {
    expect(outputLine('\u001b[1;31mred\u001b[0m \u009b2Kok')).toBe('red ok');
    expect(outputLine('\u001b]8;;https://x.test\u001b\\link\u001b]8;;\u001b\\')).toBe('link');
    expect(outputLine('cut \u001b[3')).toBe('cut \\u001b[3');
    expect(outputLine('bell\u0007\ttab')).toBe('bell\\u0007\ttab');
  });
});
