import { isatty } from 'node:tty';
import { ioErrorFrom } from '../errors.js';
import { readCappedFrom } from '../util/read-capped.js';

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
  try {
    read = { text: readCappedFrom(0, max) };
  } catch (caught) {
    const code = (caught as NodeJS.ErrnoException).code;
    // No standard input at all (closed): nothing to read.
    if (code !== 'EBADF' && code !== 'EOF') throw ioErrorFrom('standard input', caught);
    read = { text: '' };
  }
  return read.text;
}
