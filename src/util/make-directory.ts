import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function errnoError(code: string, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: mkdir '${path}'`);
  error.code = code;
  error.path = path;
  return error;
}

/**
 * Creates a directory and its missing parents, like `mkdirSync(path, {
 * recursive: true })`. Node's own recursive mkdir spins forever when a parent
 * exists but cannot hold the child (a dangling symlink, a path under /proc, a
 * stale mount), so the walk is done here: once a parent exists, a child that
 * still cannot be created is an error. Throws errors with Node's codes
 * (ENOENT, ENOTDIR, EEXIST, EACCES, ...). `onCreated` is told each directory
 * made here, parents first.
 */
export function makeDirectory(path: string, onCreated?: (dir: string) => void): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      mkdirSync(dir);
      onCreated?.(dir);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        let isDirectory = false;
        try {
          isDirectory = statSync(dir).isDirectory();
        } catch {
          // A dangling symlink: it exists, but leads nowhere.
          throw errnoError('ENOENT', dir);
        }
        if (!isDirectory) throw errnoError(missing.length ? 'ENOTDIR' : 'EEXIST', dir);
        break;
      }
      if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
      missing.push(dir);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
      onCreated?.(dir);
    } catch (error) {
      // Created meanwhile by someone else (two runs at once) is fine.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw error;
    }
  }
}
