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
  /** How long it waited ready for a limit (a slot, an agent, a resource) before it started, ms, if known. */
  queueWait?: number;
}

/** A queue wait shorter than this is the runner's own pace, not a limit: ms. */
const WAIT_MS = 10;

/** How a task on the chain follows the one before it: it needed it, or it waited for a limit until that one ended. */
export type ChainLink = 'need' | 'wait';

/**
 * The chain that really decided the wall time: from the last task to finish,
 * back through the need that finished last, to the first. It goes on through
 * a task that did not run: a cleanup that ran once its need was skipped
 * waited for what made that need skip. A task that waited ready for a limit
 * (its agent's concurrency, the global one, a resource) started when another
 * task ended and freed it: the chain goes back through that task instead
 * (`links`: `wait`), as an agent of concurrency 1 makes its tasks one chain.
 */
export function criticalPathAsRun(tasks: readonly RanTask[]): { tasks: string[]; duration: number; links: ChainLink[] } {
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
  const ran = tasks.filter((t) => t.end !== undefined).sort((a, b) => b.end! - a.end!);
  let current = ran[0];
  if (!current) return { tasks: [], duration: 0, links: [] };
  const end = current.end!;
  const chain: RanTask[] = [];
  const links: ChainLink[] = [];
  const seen = new Set<string>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    chain.unshift(current);
    const freedBy = current.start !== undefined && (current.queueWait ?? 0) >= WAIT_MS ? freeing(ran, current, seen) : undefined;
    if (freedBy) {
      links.unshift('wait');
      current = freedBy;
      continue;
    }
    current = current.needs.map((id) => byId.get(id)).filter((t): t is RanTask => t !== undefined && endOf(t) > -Infinity).sort((a, b) => endOf(b) - endOf(a))[0];
    if (current && !seen.has(current.id)) links.unshift('need');
  }
  const start = chain.find((t) => t.start !== undefined)!.start!;
  return { tasks: chain.map((t) => t.id), duration: (end - start) / 1000, links };
}

/**
 * The task whose end let `task` start after its queue wait: the last to end
 * while it waited (the runner records an end before it starts what the end
 * frees), not one of its needs, whose end made it ready rather than let it start.
 */
function freeing(ran: readonly RanTask[], task: RanTask, seen: ReadonlySet<string>): RanTask | undefined {
  const ready = task.start! - task.queueWait!;
  // `ran` is by end, latest first: the first that ended by the start, found by halves (a run of 50,000 tasks has long chains).
  let low = 0;
  let high = ran.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ran[mid]!.end! > task.start!) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < ran.length && ran[i]!.end! > ready; i++) {
    const t = ran[i]!;
    if (!seen.has(t.id) && !task.needs.includes(t.id)) return t;
  }
  return undefined;
}
