import { closeSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeOut } from './output.js';
import { tailStart } from '../util/tail-start.js';
import { useColor } from '../report/colors.js';
import { taskPrefix } from '../report/task-prefix.js';

/** One log file being followed: where it was read up to, and a line not yet ended. */
interface Followed {
  fd: number;
  task: string;
  /** `[task]`, in the task's colour on a terminal. */
  prefix: string;
  offset: number;
  /** Keeps a character split between two reads whole. */
  decoder: StringDecoder;
  partial: string;
}

export interface FollowOptions {
  /** The task a log file (by name) belongs to. */
  taskOf: (fileName: string) => string;
  /** Whether to print this task's lines. */
  wanted: (task: string) => boolean;
  /** Of the log files found in one look, which to print first (`logs` prints them in this order too). */
  compare?: (a: string, b: string) => number;
  /** Whether the run has ended (its record says so, or its runner is gone). */
  ended: () => boolean;
  /** Aborted: stop following (Ctrl-C). */
  signal: AbortSignal;
  /** Poll interval in ms. */
  interval?: number;
  /** Of the files there when following starts, only their last this many lines (`--tail`); later ones whole. */
  tail?: number;
}

/** At most this much of one file per look, so a task printing fast cannot make the follower hold it all. */
const CHUNK = 1024 * 1024;

/**
 * Follows the log files of a run as they grow (`logs --follow`, as
 * `tail -f` and `docker compose logs -f` do): what they hold so far, then
 * every line as it is written, each as `[task] line` (the `out| `/`err| `
 * marks dropped, as `run --logs all` prints them), files of tasks that start
 * later included, until the run has ended and everything is printed, or the
 * signal aborts. Resolves true when the run ended, false when aborted.
 */
export async function followLogs(dir: string, options: FollowOptions): Promise<boolean> {
  const files = new Map<string, Followed | undefined>();
  const color = useColor(process.stdout);
  const buffer = Buffer.allocUnsafe(CHUNK);
  let first = true;
  try {
    for (;;) {
      // Whether it ended is read before the last look, so that the look sees everything written before the end.
      const ended = options.ended();
      const found = logFiles(dir).filter((name) => !files.has(name)).map((name) => [name, options.taskOf(name)] as const);
      if (options.compare) found.sort(([, a], [, b]) => options.compare!(a, b));
      for (const [name, task] of found) {
        if (!options.wanted(task)) {
          files.set(name, undefined);
          continue;
        }
        const fd = openSync(join(dir, name), 'r');
        files.set(name, { fd, task, prefix: taskPrefix(task, color), offset: first && options.tail !== undefined ? tailStart(fd, options.tail) : 0, decoder: new StringDecoder('utf8'), partial: '' });
      }
      first = false;
      for (const file of files.values()) {
        if (file) await readNew(file, buffer, ended, options.signal);
        if (options.signal.aborted || process.stdout.destroyed) return false;
      }
      if (ended) return true;
      // An abort ends the wait early (rejecting, which is no error here).
      await sleep(options.interval ?? 200, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal.aborted) return false;
    }
  } finally {
    for (const file of files.values()) if (file) closeSync(file.fd);
  }
}

/** Prints what was added to a file since the last look (all of it when `all`, else one chunk); a line not yet ended waits, unless `all`. */
async function readNew(file: Followed, buffer: Buffer, all: boolean, signal: AbortSignal): Promise<void> {
  do {
    const size = fstatSync(file.fd).size;
    if (size <= file.offset) break;
    const read = readSync(file.fd, buffer, 0, Math.min(buffer.length, size - file.offset), file.offset);
    file.offset += read;
    const text = file.partial + file.decoder.write(buffer.subarray(0, read));
    const end = text.lastIndexOf('\n');
    file.partial = text.slice(end + 1);
    if (end >= 0) await writeOut(text.slice(0, end).split('\n').map((line) => `${file.prefix} ${unmarked(line)}\n`).join(''));
  } while (all && !signal.aborted && !process.stdout.destroyed);
  if (all) file.partial += file.decoder.end();
  if (all && file.partial) {
    await writeOut(`${file.prefix} ${unmarked(file.partial)}\n`);
    file.partial = '';
  }
}

/** The log files in the run's directory (none while it does not exist yet). */
function logFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A log line without its stream mark (`out| `, `err| `); attempt headers and notes as they are. */
function unmarked(line: string): string {
  return line.startsWith('out| ') || line.startsWith('err| ') ? line.slice(5) : line;
}
