import type { Capacity } from '../plan/capacity.js';
import type { ReadyQueue } from '../plan/ready-queue.js';
import { setLongTimeout, type LongTimeout } from '../util/long-timeout.js';

/**
 * Wakes a run whose queued tasks wait on an agent's rate limit or hold:
 * when a window lets the next one start, or a hold ends, what waits on it is
 * released and `pump` called. One timer, for the one that opens first.
 */
export class RateWake {
  private timer?: LongTimeout;

  constructor(private readonly capacity: Capacity, private readonly queue: ReadyQueue, private readonly now: () => number, private readonly pump: () => void) {}

  /** After a pump: sets the timer for the next window that opens, if tasks wait on one. */
  arm(): void {
    this.stop();
    // Nothing to do on this hot path unless some agent has a rate limit or a hold and tasks wait.
    if (!this.capacity.timed || !this.queue.size) return;
    // When a window leaves room next, read before what has room now: time passes between the two
    // looks, and a window that opens between them is then seen open, not lost (tasks parked on it
    // would wait for ever).
    const next = this.capacity.nextRateRelease();
    // The window may have opened while this pump ran: what waits on it goes now.
    if (this.queue.release(this.capacity.openRateKeys())) {
      setImmediate(() => this.pump());
      return;
    }
    if (!next) return;
    this.timer = setLongTimeout(() => {
      this.timer = undefined;
      this.queue.release([next.key]);
      this.pump();
    }, Math.max(0, next.at * 1000 - this.now()));
  }

  stop(): void {
    this.timer?.clear();
    this.timer = undefined;
  }
}
