import { UsageError } from '../errors.js';
import { readHeadIfReadable } from '../util/read-head.js';
import { statIfPresent } from '../util/stat-if-present.js';

/** How every line of an events file starts (`JSON.stringify(event)`): what may be appended to. */
const EVENT_HEAD = /^\{"ts":"[^"]*","runId":"/;

/**
 * Checks before a run that `--events PATH` may be appended to: nothing there,
 * an empty file, a file of earlier runs' events, or not a file at all (a pipe
 * or device streams them on). A file of anything else — the workflow itself,
 * a README, named by a slip — is refused (exit 2), not written into.
 */
export function checkEventsPath(path: string): void {
  const stat = statIfPresent(path);
  if (!stat?.isFile() || stat.size === 0) return;
  // Unreadable: not known to hold events.
  if (!EVENT_HEAD.test(readHeadIfReadable(path, 256) ?? '')) throw new UsageError(`--events ${path} exists and holds no orchestrate events: not written into (remove it, or choose another path)`);
}
