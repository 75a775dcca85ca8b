/**
 * A run's money: what it expects to spend (the declared cost of the tasks
 * it runs), what it has spent (actual costs of finished attempts), and what
 * the attempts running now may still spend (their declared cost, reserved
 * while they run), against the workflow's `costBudget`.
 */
export class CostLedger {
  /** Declared cost of every task the run includes. */
  estimate: number;
  spent = 0;
  /** Declared cost of the attempts running now. */
  private reserved = 0;
  /** Tasks skipped because the budget had no room for their first attempt. */
  budgetSkips = 0;
  /** Tasks that failed because the budget had no room for another attempt (a retry). */
  refusedRetries = 0;

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

  /** An attempt ended: what it held is released, and what it cost (reported, else declared) is spent. */
  settle(reserved: number, cost: number): void {
    this.reserved -= reserved;
    this.spent += cost;
  }
}
