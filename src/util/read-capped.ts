import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeText } from './decode-text.js';

/**
 * A file's text, or undefined when it holds more than `max` bytes — also for
 * what has no size to check first (a pipe, `<(...)`, a device such as
 * /dev/zero, which would otherwise be read for ever). Throws if it cannot be read.
 */
export function readCapped(path: string, max: number): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.isFile() && stat.size > max) return undefined;
    return readCappedFrom(fd, max);
  } finally {
    closeSync(fd);
  }
}

/**
 * The text of an open descriptor read to its end (standard input too), or
 * undefined past `max` bytes. A non-blocking descriptor with nothing yet (left
 * so by whoever started us) is waited on a moment at a time.
 */
export function readCappedFrom(fd: number, max: number): string | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(1024 * 1024, max + 1 - total));
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (caught) {
      if ((caught as NodeJS.ErrnoException).code !== 'EAGAIN') throw caught;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      continue;
    }
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > max) return undefined;
  }
  return decodeText(Buffer.concat(chunks, total));
}
