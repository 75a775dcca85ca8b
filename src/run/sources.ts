import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { escapeGlob, expandGlob, isGlobHere } from '../util/glob.js';
import { statIfPresent } from '../util/stat-if-present.js';

const CHUNK = 1024 * 1024;

/** How long fingerprinting may hold the event loop before it lets signals, timers and other tasks' events through. */
const SLICE_MS = 20;

/** Gives the event loop a turn once a slice of time has passed since the last one. */
class Pacer {
  private last = performance.now();

  async pause(): Promise<void> {
    if (performance.now() - this.last < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

/**
 * The sha256 of a regular file's content, read in chunks (never whole in
 * memory), pausing for the event loop between them; for anything else its
 * kind only: a FIFO or a device (/dev/zero) is never read, so it can neither
 * block the runner nor go on for ever. Undefined once `stopped` says so.
 */
async function hashFile(path: string, pacer: Pacer, stopped: () => boolean): Promise<string | undefined> {
  const hash = createHash('sha256');
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return stat.isFIFO() ? 'fifo' : stat.isSocket() ? 'socket' : 'device';
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) {
      hash.update(buffer.subarray(0, n));
      await pacer.pause();
      if (stopped()) return undefined;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The files a task's sources name, relative to its working directory (a
 * directory means everything under it), and the plain paths that do not exist.
 */
export function matchSources(patterns: readonly string[], cwd: string): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing = new Set<string>();
  const add = (file: string) => files.add(relative(cwd, resolve(cwd, file)));
  for (const pattern of patterns) {
    if (isGlobHere(pattern, cwd)) {
      for (const file of expandGlob(pattern, cwd)) add(file);
      continue;
    }
    const stat = statIfPresent(resolve(cwd, pattern));
    if (!stat) missing.add(relative(cwd, resolve(cwd, pattern)));
    else if (stat.isDirectory()) for (const file of expandGlob(`${escapeGlob(pattern.replace(/\/+$/, ''))}/**`, cwd)) add(file);
    else add(pattern);
  }
  return { files: [...files].sort(), missing: [...missing].sort() };
}

/**
 * A fingerprint of the contents of a task's sources: the names (relative to
 * its working directory) and contents of every file they match, in a stable
 * order, and which named paths are missing (creating one changes it). Equal
 * fingerprints mean the same files with the same bytes. Files are read in
 * chunks, never whole, and the event loop gets a turn every few milliseconds
 * (a large tree takes a while: Ctrl-C and other tasks go on meanwhile).
 * Undefined when `stopped` turns true first, or the paths cannot be listed.
 */
export async function fingerprintSources(patterns: readonly string[], cwd: string, stopped: () => boolean = () => false): Promise<string | undefined> {
  let matched;
  try {
    matched = matchSources(patterns, cwd);
  } catch {
    return undefined;
  }
  return fingerprintMatched(matched, cwd, stopped);
}

/** fingerprintSources of what matchSources found. */
export async function fingerprintMatched(matched: { files: readonly string[]; missing: readonly string[] }, cwd: string, stopped: () => boolean = () => false): Promise<string | undefined> {
  const hash = createHash('sha256');
  const pacer = new Pacer();
  for (const file of matched.files) {
    let content: string | undefined;
    try {
      content = await hashFile(resolve(cwd, file), pacer, stopped);
    } catch {
      // Unreadable (gone meanwhile, no permission, a socket): a state of its own.
      content = 'unreadable';
    }
    await pacer.pause();
    if (content === undefined || stopped()) return undefined;
    hash.update(`file\0${file}\0${content}\n`);
  }
  for (const path of matched.missing) hash.update(`missing\0${path}\n`);
  return hash.digest('hex').slice(0, 32);
}
