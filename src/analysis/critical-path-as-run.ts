/** What the chain needs of a task that ran: its needs and when it started and finished (ms). */
export interface RanTask {
  id: string;
  needs: readonly string[];
  start: number;
  end: number;
}

/**
 * The chain of needs that really decided the wall time: from the last task
 * to finish, back through the need that finished last, to the first.
 */
export function criticalPathAsRun(tasks: readonly RanTask[]): { tasks: string[]; duration: number } {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  let current = [...tasks].sort((a, b) => b.end - a.end)[0];
  if (!current) return { tasks: [], duration: 0 };
  const end = current.end;
  const chain: RanTask[] = [];
  const seen = new Set<string>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    chain.unshift(current);
    current = current.needs.map((id) => byId.get(id)).filter((t): t is RanTask => t !== undefined).sort((a, b) => b.end - a.end)[0];
  }
  return { tasks: chain.map((t) => t.id), duration: (end - chain[0]!.start) / 1000 };
}
