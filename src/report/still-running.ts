import type { RunEvent } from '../telemetry/events.js';
import { formatDuration } from '../util/duration.js';

/** How many heartbeats without a line of plain progress bring a "still running" line. */
export const QUIET_HEARTBEATS = 6;

/** The most tasks one line names; it counts the rest. */
const NAMED = 5;

/** The first NAMED tasks, the longest there first, each as `name` says, and how many more. */
function longestFirst<T extends { since: number }>(tasks: ReadonlyMap<string, T>, name: (id: string, task: T) => string): string {
  const longest = [...tasks].sort(([, a], [, b]) => a.since - b.since);
  const named = longest.slice(0, NAMED).map(([id, t]) => name(id, t));
  const more = longest.length - named.length;
  return `${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

/**
 * Plain progress prints a line when a task starts or ends, so a run of long
 * tasks can print nothing for many minutes: CI services that stop a job after
 * a spell without output (CircleCI's and Travis CI's 10 minutes) would stop
 * it, and a person cannot tell it from a hang. After QUIET_HEARTBEATS
 * heartbeats without a line, the next heartbeat brings one that names the
 * tasks running and how long their attempts have run (as `status` and the
 * terminal's lanes count), the longest first; when nothing runs, a timer's
 * tick brings one that names the tasks waiting (tick).
 */
export class StillRunning {
  /** Running tasks: when each one's attempt started (ms), and which attempt it is. */
  private readonly running = new Map<string, { since: number; attempt: number }>();
  /** Tasks ready but not running: since when (ms), and for one waiting out its backoff, when its retry is due. */
  private readonly waiting = new Map<string, { since: number; retryAt?: number }>();
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
      case 'task.queued':
        if (id !== undefined) this.waiting.set(id, { since: Date.parse(event.ts) });
        return undefined;
      case 'task.started':
        if (id === undefined) return undefined;
        this.running.set(id, { since: Date.parse(event.ts), attempt: event.attempt ?? 1 });
        this.waiting.delete(id);
        return undefined;
      case 'task.heartbeat':
        return this.quietLine(event.ts, Date.parse(event.ts));
      // A task waiting out its backoff is not running: it waits for its retry.
      case 'task.retrying':
        if (id !== undefined) {
          this.running.delete(id);
          const at = Date.parse(event.ts);
          this.waiting.set(id, { since: at, retryAt: at + (event.delayMs ?? 0) });
        }
        return undefined;
      case 'task.succeeded':
      case 'task.failed':
      case 'task.skipped':
      case 'task.cancelled':
        if (id === undefined) return undefined;
        this.running.delete(id);
        this.waiting.delete(id);
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * The line a quiet spell in which nothing runs brings (heartbeats come only
   * from running tasks, so a timer asks): the tasks waiting — for a retry's
   * backoff or a Retry-After, or ready for room under a limit, which `why`
   * names — the longest waiting first.
   */
  tick(at: number, why: (id: string) => string | undefined = () => undefined): string | undefined {
    if (this.running.size || !this.waiting.size || (this.lastLine !== undefined && at - this.lastLine < this.quietMs)) return undefined;
    this.lastLine = at;
    return `${new Date(at).toISOString()} nothing running; waiting: ${longestFirst(this.waiting, (id, t) => {
      if (t.retryAt !== undefined && t.retryAt > at) return `${id} (its retry in ${formatDuration((t.retryAt - at) / 1000)})`;
      const reason = why(id);
      return `${id} (ready ${formatDuration(Math.max(0, at - (t.retryAt ?? t.since)) / 1000)}${reason !== undefined ? `; ${reason}` : ''})`;
    })}`;
  }

  private quietLine(ts: string, at: number): string | undefined {
    if (this.running.size === 0 || (this.lastLine !== undefined && at - this.lastLine < this.quietMs)) return undefined;
    this.lastLine = at;
    return `${ts} still running: ${longestFirst(this.running, (id, t) => `${id} ${formatDuration(Math.max(0, at - t.since) / 1000)}${t.attempt > 1 ? ` (attempt ${t.attempt})` : ''}`)}`;
  }
}
