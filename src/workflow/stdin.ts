import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { ioErrorFrom } from '../errors.js';

/** The word that names standard input where a workflow file goes, as for cat and kubectl. */
export const STDIN = '-';
/** What a workflow read from standard input is called: in diagnostics, its default name, its history. */
export const STDIN_NAME = '<stdin>';

let read: { text: string | undefined } | undefined;

/**
 * Standard input's text, read to its end once: a second load of `-` (a
 * resume loads the workflow twice) gets the same text. Undefined when it
 * holds more than `max` bytes. In a terminal it says how to end it.
 */
export function readStdin(max: number): string | undefined {
  if (read) return read.text;
  if (isatty(0)) process.stderr.write('orchestrate: reading the workflow from standard input (end it with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(1024 * 1024, max + 1 - total));
    let count: number;
    try {
      count = readSync(0, chunk, 0, chunk.length, null);
    } catch (caught) {
      const code = (caught as NodeJS.ErrnoException).code;
      // A non-blocking descriptor (left so by whoever started us) has nothing yet: wait a moment.
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      // No standard input at all (closed): nothing to read.
      if (code === 'EBADF' || code === 'EOF') break;
      throw ioErrorFrom('standard input', caught);
    }
    if (count === 0) break;
    chunks.push(chunk.subarray(0, count));
    total += count;
    if (total > max) {
      read = { text: undefined };
      return undefined;
    }
  }
  read = { text: Buffer.concat(chunks, total).toString('utf8') };
  return read.text;
}
