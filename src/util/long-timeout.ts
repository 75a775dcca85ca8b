/** The longest delay Node's timers keep: a longer one fires at once, with a TimeoutOverflowWarning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending call of setLongTimeout. */
export interface LongTimeout {
  /** Cancels the call, if it has not happened. */
  clear(): void;
  /** Lets the process end while the call still waits, as a timer's unref() does. */
  unref(): LongTimeout;
}

/**
 * Calls `callback` after `ms` milliseconds, however many: a delay that Node's
 * timers cannot hold (over ~24.8 days: a workflow timeout of 9999999s meant
 * as "no limit") waits in steps instead of firing at once. Infinity never fires.
 */
export function setLongTimeout(callback: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout;
  let referenced = true;
  const wait = (left: number) => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => wait(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(callback, left);
    if (!referenced) timer.unref();
  };
  wait(Math.max(0, ms));
  return {
    clear: () => clearTimeout(timer),
    unref() {
      referenced = false;
      timer.unref();
      return this;
    },
  };
}
