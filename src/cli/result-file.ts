import { dirname } from 'node:path';
import { ioErrorFrom, ioReason, UsageError } from '../errors.js';
import { resultJson } from '../report/result-json.js';
import type { RunResult } from '../run/result.js';
import { makeDirectory } from '../util/make-directory.js';
import { readHeadIfReadable } from '../util/read-head.js';
import { statIfPresent } from '../util/stat-if-present.js';
import { writeWhole } from '../util/write-whole.js';

/** How every result file starts (`JSON.stringify(result, null, 2)`): what may be replaced. */
const RESULT_HEAD = /^\{\s*"runId"\s*:/;

/**
 * Checks before a run that `--result PATH` can be written: its directory is
 * made, and a file already there is replaced only if it is an earlier result
 * (anything else — a mistyped path onto the user's file — is refused, exit 2).
 */
export function checkResultPath(path: string): void {
  const stat = statIfPresent(path);
  if (stat?.isDirectory()) throw new UsageError(`--result ${path} is a directory: name a file`);
  // A device or a pipe (/dev/stdout) would be replaced by the file renamed over it, or block the look at it: --json prints to stdout.
  if (stat && !stat.isFile()) throw new UsageError(`--result ${path} is not a regular file (a device or a pipe): name a file, or print the result with --json`);
  if (stat && !RESULT_HEAD.test(readHeadIfReadable(path, 256) ?? '')) throw new UsageError(`--result ${path} exists and is not an orchestrate run result: not overwritten (remove it, or choose another path)`);
  try {
    makeDirectory(dirname(path));
  } catch (error) {
    throw ioErrorFrom(dirname(path), error, 'create');
  }
}


/**
 * Writes the result object (as `--json` prints it) to `path`, whole or not at
 * all: a reader never sees half a file. Returns why it could not, if it could not.
 */
export function writeResultFile(path: string, result: RunResult): string | undefined {
  try {
    writeWhole(path, resultJson(result));
    return undefined;
  } catch (error) {
    return ioReason(error);
  }
}
