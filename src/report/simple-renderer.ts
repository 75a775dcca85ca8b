import { formatDuration } from '../util/duration.js';
import { visibleText } from '../util/visible-text.js';
import type { RunEvent } from '../telemetry/events.js';
import { shellWord } from '../util/shell-word.js';
import { roundCost } from '../util/round-cost.js';

/** `; agent api waits as long (Retry-After)` for a retry whose attempt held its agent, else nothing. */
export function heldAgent(event: RunEvent): string {
  return event.holds !== undefined ? `; agent ${event.holds} waits as long (Retry-After)` : '';
}

/** How to answer a task that waits for approval, from another terminal. */
export function approvalHint(taskId: string): string {
  const word = shellWord(taskId);
  return `orchestrate approve ${word}, or reject ${word}`;
}

/** How a service's process ended (`task.stopped`), in words. */
export function serviceEnd(event: RunEvent): string {
  if (event.reason === 'exited') return `the service ended on its own (${event.exitCode === null || event.exitCode === undefined ? 'killed by a signal' : `exit code ${event.exitCode}`})`;
  return event.reason === 'killed' ? 'the service was killed' : 'the service was stopped';
}

/** One plain line per event (start, retry, end), with its timestamp: for CI logs and pipes. */
export function formatEventLine(event: RunEvent): string | undefined {
  const at = event.ts;
  const id = event.taskId;
  // How long it took and, when it spent anything (an agent's answer, a declared cost), what: an LLM run's costs show as they come.
  const took = `${event.durationMs !== undefined ? ` in ${formatDuration(event.durationMs / 1000)}` : ''}${event.cost ? `, cost ${roundCost(event.cost)}` : ''}`;
  switch (event.type) {
    case 'workflow.started':
      return `${at} run ${event.runId}: ${event.workflow}, ${event.tasks} task${event.tasks === 1 ? '' : 's'}, concurrency ${event.concurrency}`;
    case 'task.waiting':
      return `${at} wait  ${id}: ${visibleText(event.message ?? '')} (${approvalHint(id ?? '')})`;
    case 'task.approved':
      return `${at} approved ${id}${event.by ? ` by ${event.by}` : ''}`;
    case 'task.started':
      return `${at} start ${id}${event.attempt && event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
    case 'task.retrying':
      return `${at} retry ${id} in ${formatDuration((event.delayMs ?? 0) / 1000)}: attempt ${event.attempt} failed (${event.reason})${heldAgent(event)}`;
    case 'task.succeeded':
      // Reused (resume) and up-to-date tasks did not run: say so instead of "in 0s".
      return `${at} ok    ${id}${event.reason ? ` (${event.reason})` : took}`;
    case 'task.failed':
      // One that never started (rejected, its circuit open, out of budget) took no time.
      return `${at} FAIL  ${id}${event.attempt ? took : ''}: ${event.reason}`;
    case 'task.skipped':
      return `${at} skip  ${id} (${event.reason}${event.message ? `: ${event.message}` : ''})`;
    case 'task.cancelled':
      return `${at} cancel ${id} (${event.reason})`;
    case 'task.stopped':
      return `${at} stop  ${id}: ${serviceEnd(event)}, ${formatDuration((event.durationMs ?? 0) / 1000)} after its start`;
    case 'workflow.finished':
      return `${at} finished ${event.workflow}: ${event.status}${took}`;
    default:
      return undefined;
  }
}
