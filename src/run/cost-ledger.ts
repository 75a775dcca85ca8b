/**
 * A run's money: what it expects to spend (the planned cost of the tasks
 * it runs), what it has spent (actual costs of finished attempts), and what
 * the attempts running now may still spend (their declared cost, reserved
 * while they run), against the workflow's `costBudget`.
 */
export class CostLedger {
  /** Planned cost of every task the run includes (declared, or what a run of it cost in history). */
  estimate: number;
  spent = 0;
  /** Declared cost of the attempts running now. */
  private reserved = 0;
  /** Tasks skipped because the budget had no room for their first attempt. */
  budgetSkips = 0;
  /** Tasks that failed because the budget had no room for another attempt (a retry). */
  refusedRetries = 0;
  /** The costs attempts reported (`cost=`), by task definition: its matrix expansions and attempts alike. */
  private readonly reported = new Map<string, { sum: number; count: number }>();

  /** @param budget `policy.costBudget`; none means no limit */
  constructor(private readonly budget: number | undefined, estimate: number) {
    this.estimate = estimate;
  }

  /** Whether an attempt of this declared cost fits beside what is spent and reserved. */
  admits(cost: number): boolean {
    return this.budget === undefined || this.spent + this.reserved + cost <= this.budget + 1e-9;
  }

  /** An attempt starts: its declared cost is held until it ends. */
  reserve(cost: number): void {
    this.reserved += cost;
  }

  /**
   * What an attempt of the task defined as `key` is expected to cost: its
   * declared cost, or more where that task's attempts in this run (its other
   * matrix expansions, its earlier attempts) reported more on average — so
   * a fan-out that costs more than it declares stops short of the budget
   * rather than past it.
   */
  expected(key: string, declared: number): number {
    const reported = this.reported.get(key);
    return reported ? Math.max(declared, reported.sum / reported.count) : declared;
  }

  /** An attempt ended: what it held is released, and what it cost (reported, else declared) is spent; a reported cost counts for `key`'s next attempts. */
  settle(reserved: number, cost: number, reportedBy?: string): void {
    this.reserved -= reserved;
    this.spent += cost;
    if (reportedBy === undefined) return;
    const reported = this.reported.get(reportedBy) ?? { sum: 0, count: 0 };
    this.reported.set(reportedBy, { sum: reported.sum + cost, count: reported.count + 1 });
  }
}
