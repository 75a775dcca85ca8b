import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../telemetry/mask.js';
import { keptSummary, MAX_SUMMARY_BYTES } from './task-summary.js';

const masker = new SecretMasker(['ZQX-secret-value']);

describe('keptSummary', () => {
  it('keeps a summary as written, masked; one of white space only is none', () => {
    expect(keptSummary('## ok ZQX-secret-value\n', masker)).toEqual({ text: '## ok ***\n', cut: false });
    expect(keptSummary(' \n\t\n', masker)).toEqual({ cut: false });
  });

  it('drops the part of a beginning that may be the start of a secret going on past it', () => {
    // Only the first bytes of what the task wrote were read: "ZQX-se" may go on as the secret.
    const kept = keptSummary(`${'a'.repeat(100)}ZQX-se`, masker, false);
    expect(kept.cut).toBe(true);
    expect(kept.text).toMatch(/^a{85,100}\n\n\(cut: only the first \d+ bytes of the summary are kept\)\n$/);
  });

  it('cuts a larger one at 1 MB without splitting a character', () => {
    const kept = keptSummary(`${'a'.repeat(MAX_SUMMARY_BYTES - 1)}é and more`, masker);
    expect(kept.cut).toBe(true);
    expect(kept.text!.startsWith(`${'a'.repeat(MAX_SUMMARY_BYTES - 1)}\n\n(cut:`)).toBe(true);
  });
});
