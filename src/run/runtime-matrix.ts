import { expandMatrix, MAX_MATRIX_EXPANSIONS, resolveMatrix } from '../workflow/expand-matrix.js';
import type { TaskSpec } from '../workflow/model.js';
import { walksFromRoot } from '../workflow/root-paths.js';
import { parseTemplate, type TemplateRef } from '../workflow/templates.js';
import { expandedTask } from '../workflow/runtime-expansion.js';
import type { TaskResult, TaskStatus } from './result.js';
import type { TaskState } from './task-state.js';

/**
 * The tasks a matrix from outputs expands to, now that `render` knows the
 * outputs; or why it cannot expand — what load time checks of a written
 * matrix: a list, at most 10,000, ids of their own, no path that became `/`;
 * and a list at all: an output its task succeeded without setting, or a
 * member its JSON lacks (`unset` says why), is none, as GitHub's `fromJSON`
 * of an empty value fails.
 */
export function expansionsOf(group: TaskSpec, render: (template: string) => string, isTaken: (id: string) => boolean, unset: (ref: TemplateRef) => string | undefined = () => undefined): { children: TaskSpec[] } | { problem: string } {
  for (const [key, value] of Object.entries(group.dynamicMatrix!)) {
    if (key === 'include' || key === 'exclude' || typeof value !== 'string') continue;
    for (const ref of parseTemplate(value).refs) {
      const why = unset(ref);
      if (why !== undefined) return { problem: `matrix.${key}: ${why}` };
    }
  }
  const resolved = resolveMatrix(group.dynamicMatrix!, render);
  if ('problem' in resolved) return { problem: resolved.problem.message };
  const expansions = expandMatrix(group.baseId, resolved.matrix);
  if (expansions.length > MAX_MATRIX_EXPANSIONS) return { problem: `it expands to ${expansions.length} tasks; at most ${MAX_MATRIX_EXPANSIONS} are allowed` };
  if (new Set(expansions.map((e) => e.id)).size < expansions.length) return { problem: 'two of its values print the same task id' };
  const clash = expansions.find((e) => isTaken(e.id));
  if (clash) return { problem: `an expansion's id is the id of another task (${clash.id})` };
  const children = expansions.map((e) => expandedTask(group, { id: e.id, values: e.values ?? {} }));
  for (const child of children) {
    // An empty value before a slash would make an artifact glob walk the whole file system.
    const root = child.artifacts.find((a) => walksFromRoot(a, child.cwd));
    if (root !== undefined) return { problem: `${child.id}: artifacts entry "${root}" is the whole file system` };
  }
  return { children };
}

/** How a matrix from outputs ends, from how its expansions ended: failed when one failed, cancelled when one was, succeeded when one did, else skipped. */
export function groupEnd(ends: readonly TaskState[]): { status: TaskStatus; reason?: string; error?: TaskResult['errors'][number]; tainted?: boolean } {
  const failed = ends.filter((e) => e.state === 'failed');
  if (failed.length) {
    const last = failed[0]!.errors[failed[0]!.errors.length - 1];
    return { status: 'failed', error: { attempt: 1, kind: last?.kind ?? 'exit-code', message: ends.length === 1 ? 'its only expansion failed' : `${failed.length} of its ${ends.length} expansions failed` } };
  }
  const cancelled = ends.find((e) => e.state === 'cancelled');
  if (cancelled) return { status: 'cancelled', reason: cancelled.reason };
  if (ends.some((e) => e.state === 'succeeded')) return { status: 'succeeded' };
  return { status: 'skipped', reason: ends[0]!.reason, tainted: ends.some((e) => e.failureTainted) };
}
