import { statSync, type Stats } from 'node:fs';

/**
 * Errors that say nothing can be seen at a path: missing, a file where a
 * directory should be, a name too long, a loop of symbolic links, a
 * directory that cannot be searched. Whatever then reads or enters the path
 * reports the error in its own words.
 */
const NOTHING_THERE = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EACCES']);

/** What is at a path, or nothing when nothing can be seen there (a path a user wrote may be anything). */
export function statIfPresent(path: string): Stats | undefined {
  try {
    // A missing path is the common case: no exception for it.
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if (NOTHING_THERE.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}
