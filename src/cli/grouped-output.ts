import type { RunEvent } from '../telemetry/events.js';
import { taskPrefix } from '../report/task-prefix.js';

/** A task's last event, and a service's: what it printed after it was up comes before its task.stopped. */
const TERMINAL = new Set(['task.succeeded', 'task.failed', 'task.skipped', 'task.cancelled', 'task.stopped']);

/** The CI whose job log folds a group of lines: GitHub Actions' `::group::`, GitLab CI's sections. */
export type FoldingLog = 'github' | 'gitlab';

/** The CI the environment says the run is in, if its log folds groups. */
export function foldingLogOf(env: NodeJS.ProcessEnv = process.env): FoldingLog | undefined {
  return env.GITHUB_ACTIONS === 'true' ? 'github' : env.GITLAB_CI === 'true' ? 'gitlab' : undefined;
}

/**
 * `run --logs grouped`: each task's output lines (masked, at most what the
 * console gets of an attempt) are held until the task ends, then printed
 * together as `[task] line`, so the output of tasks running side by side
 * does not interleave (Turborepo's `--log-order grouped`, Taskfile's
 * `output: group`). In GitHub Actions each task's lines form a collapsible
 * `::group::`, but a task that failed or was cancelled prints its lines as
 * elsewhere (GitHub has no group open by default); in GitLab CI a
 * collapsible section, folded unless the task failed or was cancelled,
 * timed from its first start. A task that printed nothing prints nothing.
 */
export class GroupedOutput {
  private readonly held = new Map<string, string[]>();
  /** When each task that printed first started (ms), for a GitLab section's duration. */
  private readonly started = new Map<string, number>();
  private sections = 0;

  /** @param color the `[task]` prefixes in each task's colour (taskPrefix) */
  constructor(private readonly print: (line: string) => void, private readonly color = false, private readonly folding = foldingLogOf()) {}

  onOutput(taskId: string, line: string): void {
    let lines = this.held.get(taskId);
    if (!lines) {
      lines = [];
      this.held.set(taskId, lines);
    }
    lines.push(line);
  }

  /** Give it every event before the line that reports it: a task's output comes just before its end. */
  onEvent(event: RunEvent): void {
    const id = event.taskId;
    if (id === undefined) return;
    if (event.type === 'task.started' && !this.started.has(id)) this.started.set(id, Date.parse(event.ts));
    const lines = this.held.get(id);
    if (!lines) {
      if (TERMINAL.has(event.type)) this.started.delete(id);
      return;
    }
    if (event.type === 'task.retrying') {
      lines.push(`--- attempt ${event.attempt} failed: ${event.reason ?? 'failed'}; retrying`);
      return;
    }
    if (!TERMINAL.has(event.type)) return;
    this.held.delete(id);
    const status = event.type.slice('task.'.length);
    const started = this.started.get(id) ?? Date.parse(event.ts);
    this.started.delete(id);
    // What a reader looks for first is not folded away: GitHub cannot open a group by default, so a failure is not in one.
    const open = status === 'failed' || status === 'cancelled';
    if (this.folding === 'github' && !open) {
      this.print(`::group::${id} (${status})`);
      for (const line of lines) this.print(line);
      this.print('::endgroup::');
      return;
    }
    if (this.folding === 'gitlab') {
      // GitLab takes a section's name as letters, digits, `_`, `.` and `-`; a number keeps two tasks' apart.
      const name = `orchestrate-${++this.sections}-${id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64)}`;
      const seconds = (ms: number) => Math.floor(ms / 1000);
      this.print(`\x1b[0Ksection_start:${seconds(started)}:${name}${open ? '' : '[collapsed=true]'}\r\x1b[0K${id} (${status})`);
      for (const line of lines) this.print(line);
      this.print(`\x1b[0Ksection_end:${seconds(Date.parse(event.ts))}:${name}\r\x1b[0K`);
      return;
    }
    const prefix = taskPrefix(id, this.color);
    for (const line of lines) this.print(`${prefix} ${line}`);
  }
}
