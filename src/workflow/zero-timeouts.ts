import { parseDuration } from '../util/duration.js';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { formatPath } from './schema-errors.js';
import type { Duration } from './schema-types.js';

/** The parts of a workflow file or a config file that hold timeouts. */
interface WithTimeouts {
  policy?: { timeout?: Duration; taskTimeout?: Duration };
  agents?: Record<string, { timeout?: Duration; rateLimit?: { per?: Duration } }>;
  tasks?: Record<string, { timeout?: Duration; approval?: boolean | string | { timeout?: Duration }; service?: boolean | { interval?: Duration; timeout?: Duration } }>;
}

/**
 * A timeout of 0 ends every attempt (or the run) at once, and a rate limit
 * over a window of 0 limits nothing: the schema's durations allow 0 for
 * delays, not for these. Checked in workflow files and config files alike.
 */
export function zeroTimeouts(raw: WithTimeouts): Diagnostic[] {
  const found: Diagnostic[] = [];
  // Paths are made only for a zero: a workflow of thousands of tasks has none, and this runs before each run.
  const check = (value: Duration | undefined, path: () => DocPath, why: (path: DocPath) => string) => {
    if (value === undefined || parseDuration(value) !== 0) return;
    const at = path();
    found.push(error('bad-duration', `${formatPath(at)} must be greater than 0: ${why(at)}`, at));
  };
  const attempt = (path: DocPath) => `a timeout of 0 would end ${path[0] === 'policy' && path[1] === 'timeout' ? 'the run' : 'every attempt'} at once`;
  const agents = Object.entries(raw.agents ?? {});
  const tasks = Object.entries(raw.tasks ?? {});
  check(raw.policy?.timeout, () => ['policy', 'timeout'], attempt);
  check(raw.policy?.taskTimeout, () => ['policy', 'taskTimeout'], attempt);
  for (const [name, a] of agents) check(a.timeout, () => ['agents', name, 'timeout'], attempt);
  for (const [id, t] of tasks) check(t.timeout, () => ['tasks', id, 'timeout'], attempt);
  for (const [name, a] of agents) check(a.rateLimit?.per, () => ['agents', name, 'rateLimit', 'per'], () => 'a rate limit needs a window');
  for (const [id, t] of tasks) {
    if (typeof t.approval === 'object') check(t.approval.timeout, () => ['tasks', id, 'approval', 'timeout'], () => 'nobody could decide in no time, and the task would be rejected at once');
  }
  for (const [id, t] of tasks) {
    if (typeof t.service === 'object') check(t.service.interval, () => ['tasks', id, 'service', 'interval'], () => 'its readiness check would run without a pause');
  }
  for (const [id, t] of tasks) {
    if (typeof t.service === 'object') check(t.service.timeout, () => ['tasks', id, 'service', 'timeout'], () => 'every try of its readiness check would be killed at once');
  }
  return found;
}
