import type { LimitWait, WaitingNow } from '../plan/waits.js';
import { formatDuration, formatWindow } from '../util/duration.js';

const MAX_LABEL = 40;

/**
 * How plans and summaries name a limit: `concurrency 4`, `agent claude:
 * concurrency 2`, `test: maxParallel 2`; at most 40 characters.
 */
export function limitLabel(wait: Pick<LimitWait, 'limit' | 'name' | 'capacity' | 'per'>): string {
  const label = fullLabel(wait);
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

function fullLabel(wait: Pick<LimitWait, 'limit' | 'name' | 'capacity' | 'per'>): string {
  switch (wait.limit) {
    case 'concurrency':
      return `concurrency ${wait.capacity}`;
    case 'agent':
      return `agent ${wait.name}: concurrency ${wait.capacity}`;
    case 'rate':
      return `agent ${wait.name}: ${wait.capacity} start${wait.capacity === 1 ? '' : 's'} per ${formatWindow(wait.per!)}`;
    case 'resource':
      return `resource ${wait.name}: capacity ${wait.capacity}`;
    case 'maxParallel':
      return `${wait.name}: maxParallel ${wait.capacity}`;
    case 'hold':
      return `agent ${wait.name}: its API's Retry-After`;
  }
}

/** What a task waits for now, as plain progress says it: `agent api: its API's Retry-After, 3.2s more`. */
export function waitingNowText(wait: WaitingNow): string {
  return `${limitLabel(wait)}${wait.freesIn !== undefined ? `, ${formatDuration(wait.freesIn)} more` : ''}`;
}

/** Limits whose waits add up to at least this share of the wall time, and this many seconds, are notable (less is the runner's own turn). */
const NOTABLE_WAIT = 0.05;
const NOTABLE_WAIT_SECONDS = 0.1;

/**
 * The limits a run's ready tasks waited for a while, at most three, in
 * words (`agent solo: concurrency 1: 2 tasks, 0.92s in all, longest q3
 * 0.62s`); undefined when none did.
 */
export function notableWaitsText(waits: readonly LimitWait[], wallTime: number): string | undefined {
  const notable = waits.filter((w) => w.seconds >= Math.max(NOTABLE_WAIT * wallTime, NOTABLE_WAIT_SECONDS)).slice(0, 3);
  if (!notable.length) return undefined;
  return notable.map((w) => `${limitLabel(w)}: ${tasksCount(w)}, ${formatDuration(w.seconds)}${whoWaited(w)}`).join('; ');
}

/** `3 tasks`, `1 task`. */
export function tasksCount(w: Pick<LimitWait, 'tasks'>): string {
  return `${w.tasks} task${w.tasks === 1 ? '' : 's'}`;
}

/** After the time: ` in all, longest r3 20s` for several tasks, ` (r3)` for one. */
export function whoWaited(w: Pick<LimitWait, 'tasks' | 'longest'>): string {
  return w.tasks > 1 ? ` in all, longest ${w.longest.task} ${formatDuration(w.longest.seconds)}` : ` (${w.longest.task})`;
}
