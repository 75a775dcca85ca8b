import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import type { SecretMasker } from '../telemetry/mask.js';
import { statIfPresent } from '../util/stat-if-present.js';

/** The most of one task's summary kept, as GitHub Actions keeps 1 MiB of a step's. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;

/** What is kept of a summary, masked; `cut` when it was larger than is kept. */
export interface KeptSummary {
  text?: string;
  cut: boolean;
}

/**
 * A task's summary as kept, masked: at most its first MAX_SUMMARY_BYTES, with a
 * line saying the rest was cut; none when it holds only white space.
 * `complete` is false when `text` is only the beginning of what the task
 * wrote: a secret that may go on past its end is then dropped, not shown in
 * part.
 */
export function keptSummary(text: string, masker: SecretMasker, complete = true): KeptSummary {
  const masked = complete ? masker.mask(text) : masker.maskDecided(text)[0];
  if (complete && Buffer.byteLength(masked) <= MAX_SUMMARY_BYTES) return { text: masked.trim() === '' ? undefined : masked, cut: false };
  // A character cut in two decodes as U+FFFD: dropped.
  const head = Buffer.from(masked).subarray(0, MAX_SUMMARY_BYTES).toString('utf8').replace(/\uFFFD$/, '');
  return { text: `${head}\n\n(cut: only the first ${MAX_SUMMARY_BYTES} bytes of the summary are kept)\n`, cut: true };
}

/**
 * Reads what a task wrote to its summary file ($ORCHESTRATE_SUMMARY), no more
 * than is kept, and deletes the file: like the outputs file it may hold
 * secrets in clear. No text when the task wrote nothing.
 */
export function takeSummaryFile(path: string, masker: SecretMasker): KeptSummary {
  const stat = statIfPresent(path);
  if (!stat) return { cut: false };
  let kept: KeptSummary = { cut: false };
  // Only a regular file is read: a pipe or a link to a device the task put there would block this process, or never end.
  if (stat.isFile()) {
    try {
      const fd = openSync(path, 'r');
      try {
        // A little more than is kept, so that what is kept is decided even where a secret straddles the cut.
        const buffer = Buffer.alloc(Math.min(stat.size, 2 * MAX_SUMMARY_BYTES));
        const read = readSync(fd, buffer, 0, buffer.length, 0);
        kept = keptSummary(buffer.subarray(0, read).toString('utf8'), masker, read === stat.size);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Unreadable: the task left nothing usable.
    }
  }
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or a directory: the removal of the run's private folder takes it.
  }
  return kept;
}
