import { createHash } from 'node:crypto';

/**
 * A file name for a task id: safe characters kept, others replaced, plus a
 * short hash when anything was replaced so `a/b` and `a_b` do not collide.
 */
export function fileSafeName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (safe === id) return id;
  return `${safe}-${createHash('sha1').update(id).digest('hex').slice(0, 6)}`;
}
