import { formatDuration } from '../util/duration.js';
import { visibleText } from '../util/visible-text.js';
import { fitWidth } from '../util/fit-width.js';
import { approvalHint } from './simple-renderer.js';
import { waitingNowText } from './waits-text.js';
import { printedLines } from './last-failures.js';
import type { WaitingNow } from '../plan/waits.js';

/** `orchestrate status --json`. */
export interface RunStatus {
  id: string;
  workflow: string;
  /** The run's end status; `running` while its runner is alive; `unfinished` once it is gone without an end. */
  status: string;
  startedAt: string;
  finishedAt: string | null;
  /** Seconds since it started (until it ended). */
  elapsed: number;
  /** What its ended tasks cost, their attempts together (reported, else declared): spent so far while it runs. */
  cost: number;
  /** Tasks by how they ended, and those running and still to come. */
  counts: { succeeded: number; failed: number; skipped: number; cancelled: number; running: number; waiting: number };
  /** `lastLine`: the last line the attempt has printed, if any (what it is doing now). */
  running: Array<{ task: string; attempt: number; startedAt: string; elapsed: number; lastLine?: string }>;
  /** While it runs: the services that are up (ready, not yet stopped), since they became ready. */
  up: Array<{ task: string; since: string; elapsed: number }>;
  /** The tasks that failed so far, in the order they ended. */
  failed: string[];
  /** The same, each with why and the last lines its last attempt printed (at most 20, masked; none when it did not run). */
  failures: Array<{ task: string; reason: string | null; lastLines: string[] }>;
  /** While it runs: the tasks waiting for approval, with their question. */
  awaiting: Array<{ task: string; message: string; since: string }>;
  /**
   * While it runs: what the ready tasks wait for, as its runner saw it within
   * the last quarter of a second — each limit, how many wait for it, and for a rate window
   * or a Retry-After the seconds until it frees; the most waited for first.
   */
  waits: Array<WaitingNow & { tasks: number }>;
  /** Once it ended without succeeding (or its runner is gone): the command that resumes it, from here, with the same file and tasks. */
  resume?: string;
}

/** The limits the text names (the most waited for); it counts the rest. */
const SHOWN_WAITS = 5;
/** The failures the text names, and the last lines it shows of each. */
const SHOWN_FAILURES = 5;
const SHOWN_LINES = 3;
/** The columns a running task's last line takes at most: the line stays one row. */
const LAST_LINE_WIDTH = 60;

/** `orchestrate status` as text: the run, its counts, and the tasks running now. */
export function formatRunStatus(s: RunStatus): string {
  const c = s.counts;
  const lines = [
    `run ${s.id} (${visibleText(s.workflow)}) ${s.status} ${s.status === 'running' ? 'for' : 'after'} ${formatDuration(s.elapsed)}`,
    `  ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.cancelled} cancelled${s.status === 'running' ? `, ${c.running} running, ${c.waiting} waiting` : ''}`,
  ];
  if (s.cost > 0) lines.push(`  cost     ${s.cost} spent${s.status === 'running' ? ' so far' : ''}`);
  const width = Math.min(40, Math.max(0, ...[...s.running, ...s.up].map((r) => r.task.length)));
  s.failures.slice(0, SHOWN_FAILURES).forEach((f, k) => {
    lines.push(`  ${k === 0 ? 'failed  ' : '        '} ${f.task}${f.reason ? `: ${visibleText(f.reason)}` : ''}`);
    // The lines it printed last say why, as the run's summary will.
    for (const line of printedLines(f.lastLines).slice(-SHOWN_LINES)) lines.push(`           | ${visibleText(line)}`);
  });
  if (s.failures.length > SHOWN_FAILURES) lines.push(`           and ${s.failures.length - SHOWN_FAILURES} more (orchestrate logs --failed)`);
  s.running.forEach((r, k) => {
    const head = `  ${k === 0 ? 'running ' : '        '} ${r.task.padEnd(width)}  ${formatDuration(r.elapsed)}${r.attempt > 1 ? `  attempt ${r.attempt}` : ''}`;
    lines.push(r.lastLine === undefined ? head : `${head}  | ${fitWidth(r.lastLine, LAST_LINE_WIDTH)}`);
  });
  s.up.forEach((u, k) => {
    lines.push(`  ${k === 0 ? 'up      ' : '        '} ${u.task.padEnd(width)}  ${formatDuration(u.elapsed)}`);
  });
  s.waits.slice(0, SHOWN_WAITS).forEach((w, k) => {
    lines.push(`  ${k === 0 ? 'waiting ' : '        '} ${w.tasks} for ${waitingNowText(w)}`);
  });
  const rest = s.waits.slice(SHOWN_WAITS);
  if (rest.length) lines.push(`           and ${rest.reduce((n, w) => n + w.tasks, 0)} for ${rest.length} more limit${rest.length === 1 ? '' : 's'} (--json has them all)`);
  s.awaiting.forEach((a, k) => {
    lines.push(`  ${k === 0 ? 'approval' : '        '} ${a.task}: ${visibleText(a.message)} (${approvalHint(a.task)})`);
  });
  if (s.resume) lines.push(`  to resume: ${s.resume}`);
  return `${lines.join('\n')}\n`;
}
