import type { RunEvent } from '../telemetry/events.js';
import { taskPrefix } from '../report/task-prefix.js';

/** A task's last event, and a service's: what it printed after it was up comes before its task.stopped. */
const TERMINAL = new Set(['task.succeeded', 'task.failed', 'task.skipped', 'task.cancelled', 'task.stopped']);

/**
 * `run --logs grouped`: each task's output lines (masked, at most what the
 * console gets of an attempt) are held until the task ends, then printed
 * together as `[task] line`, so the output of tasks running side by side
 * does not interleave (Turborepo's `--log-order grouped`, Taskfile's
 * `output: group`). In GitHub Actions each task's lines form a collapsible
 * `::group::`. A task that printed nothing prints nothing.
 */
export class GroupedOutput {
  private readonly held = new Map<string, string[]>();

  /** @param color the `[task]` prefixes in each task's colour (taskPrefix) */
  constructor(private readonly print: (line: string) => void, private readonly color = false, private readonly github = process.env.GITHUB_ACTIONS === 'true') {}

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
    const lines = this.held.get(id);
    if (!lines) return;
    if (event.type === 'task.retrying') {
      lines.push(`--- attempt ${event.attempt} failed: ${event.reason ?? 'failed'}; retrying`);
      return;
    }
    if (!TERMINAL.has(event.type)) return;
    this.held.delete(id);
    if (this.github) this.print(`::group::${id} (${event.type.slice('task.'.length)})`);
    const prefix = taskPrefix(id, this.color);
    for (const line of lines) this.print(this.github ? line : `${prefix} ${line}`);
    if (this.github) this.print('::endgroup::');
  }
}
