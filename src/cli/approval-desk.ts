import type { ApprovalDecision, Approver } from '../run/approval.js';
import { decisions } from '../store/approvals.js';
import type { Database } from '../store/open-store.js';

/** How often a run with tasks awaiting approval looks for decisions. */
const POLL_MS = 250;

/**
 * The CLI's answer to tasks that wait for approval: the decisions that
 * `orchestrate approve` and `reject` write into the run history, read every
 * 250 ms while some task waits (nothing is read otherwise); with `--yes`,
 * every task is approved at once; in CI (`ci`), where nobody is there to
 * approve, every task is refused at once, saying how to approve it.
 */
export class ApprovalDesk {
  private readonly waiting = new Map<string, (decision: ApprovalDecision) => void>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: Database, private readonly runId: string, private readonly yes: boolean, private readonly ci = false) {}

  readonly approve: Approver = (request) => {
    if (this.yes) return Promise.resolve({ approved: true, by: '--yes' });
    if (this.ci) return Promise.resolve({ approved: false, reason: 'CI is set and nobody is there to approve it: run with --yes to approve it' });
    return new Promise((resolve) => {
      this.waiting.set(request.taskId, resolve);
      request.signal.addEventListener('abort', () => this.waiting.delete(request.taskId), { once: true });
      this.timer ??= setTimeout(() => this.poll(), POLL_MS);
    });
  };

  private poll(): void {
    this.timer = undefined;
    if (!this.waiting.size) return;
    let taken: ReturnType<typeof decisions> = [];
    try {
      taken = decisions(this.db, this.runId);
    } catch {
      // The history is busy (another writer) or unreadable for a moment: look again next time.
    }
    for (const decision of taken) {
      const answer = this.waiting.get(decision.task);
      if (!answer) continue;
      this.waiting.delete(decision.task);
      answer({ approved: decision.approved, ...(decision.by ? { by: decision.by } : {}), ...(decision.reason ? { reason: decision.reason } : {}) });
    }
    if (this.waiting.size) this.timer = setTimeout(() => this.poll(), POLL_MS);
  }

  /** Stops looking (the run has ended). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }
}
