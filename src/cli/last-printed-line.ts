import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { outputLine } from '../util/visible-text.js';

/** How much of a log's end is read for its last line: a last line longer than this shows as none (its start, and mark, are not read). */
const TAIL_BYTES = 16 * 1024;

/**
 * The last line a task's attempt going on has printed, from its log file (as
 * `status` shows it beside the task: what a long agent task is doing now),
 * as a report shows a line; undefined when the attempt has printed nothing
 * yet or the log cannot be read. Reads only the end of the file.
 */
export function lastPrintedLine(logPath: string): string | undefined {
  let text: string;
  try {
    const fd = openSync(logPath, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, start)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    // The header of the attempt going on: nothing printed since it began.
    if (line.startsWith('--- attempt ')) return undefined;
    const printed = /^(?:out|err)\| (.*)$/s.exec(line)?.[1];
    if (printed === undefined) continue;
    const shown = outputLine(printed).trim();
    if (shown) return shown;
  }
  return undefined;
}
