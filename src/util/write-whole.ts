import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `text` (or its pieces, for a text longer than one string may be) to
 * `path` whole or not at all: into a temporary file beside it, renamed over it
 * once written. A reader never sees half a file, and a file there is kept as
 * it was when the writing fails (a full disk); the temporary file never stays.
 * Throws the file system's error.
 */
export function writeWhole(path: string, text: string | Iterable<string>, mode = 0o666): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', mode);
    try {
      // writeFileSync writes all of a piece (writeSync may write part of it and say so only in its count).
      for (const piece of typeof text === 'string' ? [text] : text) writeFileSync(fd, piece);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Never made (its directory cannot be written): the first error is the one to tell.
    }
    throw error;
  }
}
