import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

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
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, max + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > max) return undefined;
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
