/**
 * What the chain needs of a task: its needs and, if it ran, when it started
 * and finished (ms). A task that ended without running (skipped, cancelled
 * before it started, reused) has no times: it counts as ending when the
 * last of its needs ended, which is when the run decided it.
 */
export interface RanTask {
  id: string;
  needs: readonly string[];
  start?: number;
  end?: number;
}

/**
 * The chain of needs that really decided the wall time: from the last task
 * to finish, back through the need that finished last, to the first. It goes
 * on through a task that did not run: a cleanup that ran once its need was
 * skipped waited for what made that need skip.
 */
export function criticalPathAsRun(tasks: readonly RanTask[]): { tasks: string[]; duration: number } {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const ends = new Map<string, number>();
  /** When a task ended: its own end, else (it did not run) its needs' last; -Infinity for none. */
  const endOf = (task: RanTask): number => {
    if (task.end !== undefined) return task.end;
    const known = ends.get(task.id);
    if (known !== undefined) return known;
    ends.set(task.id, -Infinity); // a cycle cannot be, but must not recurse forever
    let end = -Infinity;
    for (const id of task.needs) {
      const need = byId.get(id);
      if (need) end = Math.max(end, endOf(need));
    }
    ends.set(task.id, end);
    return end;
  };
  let current = tasks.filter((t) => t.end !== undefined).sort((a, b) => b.end! - a.end!)[0];
  if (!current) return { tasks: [], duration: 0 };
  const end = current.end!;
  const chain: RanTask[] = [];
  const seen = new Set<string>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    chain.unshift(current);
    current = current.needs.map((id) => byId.get(id)).filter((t): t is RanTask => t !== undefined && endOf(t) > -Infinity).sort((a, b) => endOf(b) - endOf(a))[0];
  }
  const start = chain.find((t) => t.start !== undefined)!.start!;
  return { tasks: chain.map((t) => t.id), duration: (end - start) / 1000 };
}
