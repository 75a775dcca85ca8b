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
  const places: Array<[DocPath, Duration | undefined]> = [
    [['policy', 'timeout'], raw.policy?.timeout],
    [['policy', 'taskTimeout'], raw.policy?.taskTimeout],
    ...Object.entries(raw.agents ?? {}).map(([name, a]): [DocPath, Duration | undefined] => [['agents', name, 'timeout'], a.timeout]),
    ...Object.entries(raw.tasks ?? {}).map(([id, t]): [DocPath, Duration | undefined] => [['tasks', id, 'timeout'], t.timeout]),
  ];
  const zero = ([, value]: [DocPath, Duration | undefined]) => value !== undefined && parseDuration(value) === 0;
  const windows = Object.entries(raw.agents ?? {}).map(([name, a]): [DocPath, Duration | undefined] => [['agents', name, 'rateLimit', 'per'], a.rateLimit?.per]);
  const approvals = Object.entries(raw.tasks ?? {}).map(([id, t]): [DocPath, Duration | undefined] => [['tasks', id, 'approval', 'timeout'], typeof t.approval === 'object' ? t.approval.timeout : undefined]);
  const intervals = Object.entries(raw.tasks ?? {}).map(([id, t]): [DocPath, Duration | undefined] => [['tasks', id, 'service', 'interval'], typeof t.service === 'object' ? t.service.interval : undefined]);
  const tries = Object.entries(raw.tasks ?? {}).map(([id, t]): [DocPath, Duration | undefined] => [['tasks', id, 'service', 'timeout'], typeof t.service === 'object' ? t.service.timeout : undefined]);
  return [
    ...places.filter(zero).map(([path]) => error('bad-duration', `${formatPath(path)} must be greater than 0: a timeout of 0 would end ${path[0] === 'policy' && path[1] === 'timeout' ? 'the run' : 'every attempt'} at once`, path)),
    ...windows.filter(zero).map(([path]) => error('bad-duration', `${formatPath(path)} must be greater than 0: a rate limit needs a window`, path)),
    ...approvals.filter(zero).map(([path]) => error('bad-duration', `${formatPath(path)} must be greater than 0: nobody could decide in no time, and the task would be rejected at once`, path)),
    ...intervals.filter(zero).map(([path]) => error('bad-duration', `${formatPath(path)} must be greater than 0: its readiness check would run without a pause`, path)),
    ...tries.filter(zero).map(([path]) => error('bad-duration', `${formatPath(path)} must be greater than 0: every try of its readiness check would be killed at once`, path)),
  ];
}
