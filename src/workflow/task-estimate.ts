import { formatDuration } from '../util/duration.js';
import { warning, type Diagnostic, type DocPath } from './diagnostics.js';
import type { EstimateSource } from './model.js';

export interface EstimateChoice {
  seconds: number;
  source: EstimateSource;
  /** `estimate-over-timeout`: an estimate given (the task's or its agent's) longer than the task's timeout. */
  problem?: Diagnostic;
}

/**
 * A task's estimate for the planner: its own (`declared`), its agent's, else
 * the policy's default for its kind. A timeout stops every attempt that lasts
 * longer, so a default — a guess — is at most the timeout; an estimate someone
 * gave that is longer is kept and said (a warning): one of the two is wrong.
 * An agent's estimate over the timeout its tasks share (the agent's or the
 * policy's) is said once, at the agent.
 *
 * @param timeout the task's timeout in seconds (its own, its agent's or the policy's), if any
 * @param places `at`: where the task is in the file; `agentAt`: its agent's estimate, if in
 *   this file; `said`: the agents already warned of, to be added to
 */
export function chooseEstimate(
  baseId: string,
  task: { estimate?: number; timeout?: unknown; agent?: string },
  agentEstimate: number | undefined,
  defaultSeconds: number,
  timeout: number | undefined,
  places: { at: DocPath; agentAt?: DocPath; said: Set<string> },
): EstimateChoice {
  if (task.estimate === undefined && agentEstimate === undefined) {
    return { seconds: timeout !== undefined ? Math.min(defaultSeconds, timeout) : defaultSeconds, source: 'default' };
  }
  const choice: EstimateChoice = task.estimate !== undefined ? { seconds: task.estimate, source: 'declared' } : { seconds: agentEstimate!, source: 'agent' };
  if (timeout === undefined || choice.seconds <= timeout) return choice;
  const advice = 'if the estimate holds, every attempt is stopped at its timeout and fails; raise the timeout or lower the estimate';
  const over = `is estimated at ${formatDuration(choice.seconds)}`;
  if (choice.source === 'declared') {
    choice.problem = warning('estimate-over-timeout', `task "${baseId}" ${over} but its timeout is ${formatDuration(timeout)}: ${advice}`, [...places.at, 'estimate']);
  } else if (task.timeout !== undefined) {
    choice.problem = warning('estimate-over-timeout', `task "${baseId}" ${over} (the estimate of its agent "${task.agent}") but its timeout is ${formatDuration(timeout)}: ${advice}`, [...places.at, 'timeout']);
  } else if (!places.said.has(task.agent!)) {
    places.said.add(task.agent!);
    choice.problem = warning('estimate-over-timeout', `agent "${task.agent}" ${over}${places.agentAt ? '' : ' in the config file'} but the timeout of its tasks is ${formatDuration(timeout)} (task "${baseId}"): ${advice}`, places.agentAt ?? [...places.at, 'agent']);
  }
  return choice;
}
