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

/** The error message of a rejected task. */
export function rejectionMessage(decision: ApprovalDecision): string {
  return `rejected${decision.by ? ` by ${decision.by}` : ''}${decision.reason ? `: ${decision.reason}` : ''}`;
}
