import { formatDuration } from '../util/duration.js';
import { setLongTimeout } from '../util/long-timeout.js';

/** A task with `approval` asks before it starts; whoever runs the engine answers. */
export interface ApprovalRequest {
  /** The task's id as events show it (masked). */
  taskId: string;
  /** The question, rendered and masked. */
  message: string;
  /** Aborted when the run stops asking (it is stopping): the answer is no longer wanted. */
  signal: AbortSignal;
}

export interface ApprovalDecision {
  approved: boolean;
  /** Who decided (a user name, `--yes`). */
  by?: string;
  /** Why, for a rejection. */
  reason?: string;
}

/** Answers approval requests: the CLI asks the run history (`orchestrate approve`), a library caller its own code. */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalDecision>;

/** Without an approver nobody can approve: the task is rejected, saying so. */
export const NO_APPROVER: Approver = async () => ({ approved: false, reason: 'nobody can approve it here: give the run an `approve` function' });

/**
 * Asks `approver` and gives the first answer to `decided`: the approver's (an
 * error of it is a rejection), or after `timeoutSeconds` a rejection for
 * nobody deciding — as a GitHub deployment waiting for review fails — which
 * also stops the asking (`asking` is the request's signal's controller).
 * Aborting `asking` otherwise drops the timeout.
 */
export function askFor(approver: Approver, request: ApprovalRequest, timeoutSeconds: number | undefined, asking: AbortController, decided: (decision: ApprovalDecision) => void): void {
  let answered = false;
  const answer = (decision: ApprovalDecision) => {
    if (answered) return;
    answered = true;
    expiry?.clear();
    decided(decision);
  };
  const expiry = timeoutSeconds === undefined ? undefined : setLongTimeout(() => {
    answer({ approved: false, reason: `nobody decided within ${formatDuration(timeoutSeconds)}` });
    asking.abort();
  }, timeoutSeconds * 1000);
  asking.signal.addEventListener('abort', () => expiry?.clear(), { once: true });
  let asked: Promise<ApprovalDecision>;
  try {
    asked = Promise.resolve(approver(request));
  } catch (error) {
    asked = Promise.reject(error);
  }
  asked.then(answer, (error: unknown) => answer({ approved: false, reason: String(error) }));
}

/** The error message of a rejected task. */
export function rejectionMessage(decision: ApprovalDecision): string {
  return `rejected${decision.by ? ` by ${decision.by}` : ''}${decision.reason ? `: ${decision.reason}` : ''}`;
}
