import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { expandGlob, isGlob } from '../util/glob.js';

const CHUNK = 1024 * 1024;

/**
 * The sha256 of a regular file's content, read in chunks (never whole in
 * memory); for anything else its kind only: a FIFO or a device (/dev/zero)
 * is never read, so it can neither block the runner nor go on for ever.
 */
function hashFile(path: string): string {
  const hash = createHash('sha256');
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return stat.isFIFO() ? 'fifo' : stat.isSocket() ? 'socket' : 'device';
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) hash.update(buffer.subarray(0, n));
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
    if (isGlob(pattern)) {
      for (const file of expandGlob(pattern, cwd)) add(file);
      continue;
    }
    const stat = statSync(resolve(cwd, pattern), { throwIfNoEntry: false });
    if (!stat) missing.add(relative(cwd, resolve(cwd, pattern)));
    else if (stat.isDirectory()) for (const file of expandGlob(`${pattern.replace(/\/+$/, '')}/**`, cwd)) add(file);
    else add(pattern);
  }
  return { files: [...files].sort(), missing: [...missing].sort() };
}

/**
 * A fingerprint of the contents of a task's sources: the names (relative to
 * its working directory) and contents of every file they match, in a stable
 * order, and which named paths are missing (creating one changes it). Equal
 * fingerprints mean the same files with the same bytes. Files are read in
 * chunks, never whole.
 */
export function fingerprintSources(patterns: readonly string[], cwd: string): string {
  const hash = createHash('sha256');
  const { files, missing } = matchSources(patterns, cwd);
  for (const file of files) {
    let content: string;
    try {
      content = hashFile(resolve(cwd, file));
    } catch {
      // Unreadable (gone meanwhile, no permission, a socket): a state of its own.
      content = 'unreadable';
    }
    hash.update(`file\0${file}\0${content}\n`);
  }
  for (const path of missing) hash.update(`missing\0${path}\n`);
  return hash.digest('hex').slice(0, 32);
}
