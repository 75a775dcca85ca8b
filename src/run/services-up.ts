import type { ServiceEnd } from './attempt.js';

/** What stops (SIGTERM, then SIGKILL after the grace period) and kills at once the process of a service. */
export interface ServiceControls {
  stop?: AbortController;
  kill?: AbortController;
}

/**
 * The services of a run that are up — succeeded once ready, their process
 * going on — by task index: each is stopped once nothing that needs it can
 * still run, and the run ends after their processes have.
 */
export class ServicesUp {
  private readonly up = new Map<number, ServiceControls>();
  /** Every service process that was up, stopped or not: a second Ctrl-C kills those still stopping too. */
  private readonly all: ServiceControls[] = [];
  private readonly exits: Promise<void>[] = [];

  /**
   * A service's attempt ended: up (`ok`), or stopped at once because the
   * attempt failed after all (its outputs or artifacts). `onEnd` is told how
   * the process of one that was up ended, before the run's end waits no more.
   */
  attemptEnded(i: number, ok: boolean, controls: ServiceControls, exited: Promise<ServiceEnd>, onEnd: (end: ServiceEnd) => void): void {
    this.exits.push(ok ? exited.then(onEnd) : exited.then(() => undefined));
    this.all.push(controls);
    if (ok) this.up.set(i, controls);
    else controls.stop?.abort();
  }

  /** Whether any service is up (none in most runs: then nothing needs checking when a task ends). */
  get any(): boolean {
    return this.up.size > 0;
  }

  /** Stops service `i`, if it is up, once `stillNeeded` says no task that needs it can still run. */
  stopIfIdle(i: number, stillNeeded: () => boolean): void {
    const controls = this.up.get(i);
    if (!controls || stillNeeded()) return;
    this.up.delete(i);
    controls.stop?.abort();
  }

  /** Kills every service process at once (a second Ctrl-C), those in their grace period too. */
  killAll(): void {
    for (const controls of this.all) controls.kill?.abort();
  }

  /** Stops those still up (none once every task has ended) and settles when every service's process has ended. */
  async ended(): Promise<void> {
    for (const controls of this.up.values()) controls.stop?.abort();
    this.up.clear();
    await Promise.all(this.exits);
  }
}
