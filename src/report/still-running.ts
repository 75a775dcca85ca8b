import type { RunEvent } from '../telemetry/events.js';
import { formatDuration } from '../util/duration.js';

/** How many heartbeats without a line of plain progress bring a "still running" line. */
export const QUIET_HEARTBEATS = 6;

/** The most running tasks one line names; it counts the rest. */
const NAMED = 5;

/**
 * Plain progress prints a line when a task starts or ends, so a run of long
 * tasks can print nothing for many minutes: CI services that stop a job after
 * a spell without output (CircleCI's and Travis CI's 10 minutes) would stop
 * it, and a person cannot tell it from a hang. After QUIET_HEARTBEATS
 * heartbeats without a line, the next heartbeat brings one that names the
 * tasks running and how long their attempts have run (as `status` and the
 * terminal's lanes count), the longest first.
 */
export class StillRunning {
  /** Running tasks: when each one's attempt started (ms), and which attempt it is. */
  private readonly running = new Map<string, { since: number; attempt: number }>();
  private lastLine: number | undefined;

  constructor(private readonly quietMs: number) {}

  /** A line was printed at `at` (ms since the epoch). */
  printed(at: number): void {
    this.lastLine = at;
  }

  /** The line `event` brings, if any; every event of the run goes through here. */
  onEvent(event: RunEvent): string | undefined {
    const id = event.taskId;
    switch (event.type) {
      case 'workflow.started':
        this.lastLine ??= Date.parse(event.ts);
        return undefined;
      case 'task.started':
        if (id !== undefined) this.running.set(id, { since: Date.parse(event.ts), attempt: event.attempt ?? 1 });
        return undefined;
      case 'task.heartbeat':
        return this.quietLine(event.ts, Date.parse(event.ts));
      // A task waiting out its backoff is not running.
      case 'task.retrying':
      case 'task.succeeded':
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled':
        if (id !== undefined) this.running.delete(id);
        return undefined;
      default:
        return undefined;
    }
  }

  private quietLine(ts: string, at: number): string | undefined {
    if (this.running.size === 0 || (this.lastLine !== undefined && at - this.lastLine < this.quietMs)) return undefined;
    this.lastLine = at;
    const longest = [...this.running].sort(([, a], [, b]) => a.since - b.since);
    const named = longest.slice(0, NAMED).map(([id, t]) => `${id} ${formatDuration(Math.max(0, at - t.since) / 1000)}${t.attempt > 1 ? ` (attempt ${t.attempt})` : ''}`);
    const more = longest.length - named.length;
    return `${ts} still running: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
  }
}
