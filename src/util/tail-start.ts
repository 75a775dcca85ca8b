import { fstatSync, readSync } from 'node:fs';

/**
 * The byte offset at which the last `lines` lines of an open file begin (0
 * when it has no more than that), read backwards from its end, so a log of
 * hundreds of MB costs only what is shown. A newline that ends the file ends
 * its last line; it does not start another.
 */
export function tailStart(fd: number, lines: number): number {
  const size = fstatSync(fd).size;
  if (lines <= 0) return size;
  const chunk = Buffer.allocUnsafe(64 * 1024);
  let seen = 0;
  for (let at = size; at > 0;) {
    const length = Math.min(chunk.length, at);
    at -= length;
    readSync(fd, chunk, 0, length, at);
    for (let i = length - 1; i >= 0; i--) {
      if (chunk[i] !== 0x0a || at + i === size - 1) continue;
      if (++seen === lines) return at + i + 1;
    }
  }
  return 0;
}
