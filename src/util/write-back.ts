import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const CHUNK = 1 << 16;

/**
 * Does `act`, which makes the file at `path`; where its directory is missing
 * — deleted while a run went on, by a task's `git clean -fdx` or `rm -rf
 * .orchestrate` — `makeDir` makes it again, and `act` is done once more.
 */
export function againInMadeDirectory<T>(path: string, makeDir: (dir: string) => void, act: () => T): T {
  try {
    return act();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    makeDir(dirname(path));
    return act();
  }
}

/** Opens `path` to append to it (and to read it back, see writeBack), its directory made again where it is missing. */
export function openToAppend(path: string, makeDir: (dir: string) => void): number {
  return againInMadeDirectory(path, makeDir, () => openSync(path, 'a+'));
}

/**
 * When the file open as `fd` (opened by openToAppend) was deleted while it was
 * written, writes what it holds back to `path`, making its directory with
 * `makeDir`: what a task deleted under a run is not lost with it. A file
 * someone made there since is left as it is. Whether it wrote it back.
 */
export function writeBack(fd: number, path: string, makeDir: (dir: string) => void): boolean {
  if (fstatSync(fd).nlink > 0) return false;
  makeDir(dirname(path));
  let out: number;
  try {
    out = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let position = 0; ;) {
      const read = readSync(fd, buffer, 0, CHUNK, position);
      if (read === 0) break;
      // writeFileSync writes all of it (writeSync may write part and say so only in its count).
      writeFileSync(out, buffer.subarray(0, read));
      position += read;
    }
  } finally {
    closeSync(out);
  }
  return true;
}
