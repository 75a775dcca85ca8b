import { createHash } from 'node:crypto';

/** Longest name kept whole: with the hash and `.N.env` it stays far below the 255-byte file-name limit. */
const MAX_NAME = 120;

/**
 * A file name for a task id: safe characters kept, others replaced, plus a
 * short hash when anything was replaced so `a/b` and `a_b` do not collide;
 * a long id (a matrix expansion of long values) is cut, the hash keeping
 * it unique.
 */
export function fileSafeName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (safe === id && id.length <= MAX_NAME) return id;
  return `${safe.slice(0, MAX_NAME)}-${createHash('sha1').update(id).digest('hex').slice(0, 6)}`;
}

/**
 * The file name of a task's log and output files: its id made safe, and
 * never a secret in clear (a matrix value can be one): an id that masking
 * changes is named by its masked form and its index in the workflow.
 */
export function taskFileName(id: string, index: number, mask: (text: string) => string): string {
  const shown = mask(id);
  return shown === id ? fileSafeName(id) : `${fileSafeName(shown)}-${index}`;
}

/**
 * The name of a task's log file as a reader of the run finds it by the task's
 * id (`logs`, `status`, the live lanes): a masked id's log is named by its
 * masked form and index instead (taskFileName), found by its first line.
 */
export function taskLogName(id: string): string {
  return `${fileSafeName(id)}.log`;
}
