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
 * tasks running and for how long, the longest first.
 */
export class StillRunning {
  /** Running tasks: when each first started (ms) and its attempt now. */
  private readonly running = new Map<string, { since: number; attempt: number }>();
  /** First starts of tasks waiting out a backoff, kept for their next attempt. */
  private readonly backingOff = new Map<string, number>();
  private lastLine: number | undefined;

  constructor(private readonly quietMs: number) {}

  /** A line was printed at `at` (ms since the epoch). */
  printed(at: number): void {
    this.lastLine = at;
  }

  /** The line `event` brings, if any; every event of the run goes through here. */
  onEvent(event: RunEvent): string | undefined {
    const at = Date.parse(event.ts);
    const id = event.taskId;
    switch (event.type) {
      case 'workflow.started':
        this.lastLine ??= at;
        return undefined;
      case 'task.started':
        if (id === undefined) return undefined;
        this.running.set(id, { since: this.backingOff.get(id) ?? at, attempt: event.attempt ?? 1 });
        this.backingOff.delete(id);
        return undefined;
      case 'task.retrying': {
        const task = id === undefined ? undefined : this.running.get(id);
        if (task) this.backingOff.set(id!, task.since);
        if (id !== undefined) this.running.delete(id);
        return undefined;
      }
      case 'task.heartbeat':
        return this.quietLine(event.ts, at);
      case 'task.succeeded':
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled':
        if (id !== undefined) {
          this.running.delete(id);
          this.backingOff.delete(id);
        }
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
