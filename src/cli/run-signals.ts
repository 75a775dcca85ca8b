import type { RunHandle } from '../run/start-run.js';
import type { LanesRenderer } from './lanes-renderer.js';

/** How a run heard the signals sent to it, while it listens. */
export interface RunSignals {
  /** The first stopping signal heard, if any. */
  signalled(): NodeJS.Signals | undefined;
  /** Every task has ended: only the record and the summary are left to write. */
  ended(): void;
  /** Stops listening. */
  stop(): void;
}

const STOPPING = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Listens for the signals that stop a run, and for Ctrl-Z. The first
 * SIGINT, SIGTERM or SIGHUP (a closed terminal: stopped as SIGTERM stops it,
 * not killed mid-write) aborts `interrupt`: running tasks are stopped, those
 * marked `runOnInterrupt` still run. A second one, or SIGQUIT (Ctrl-\), kills
 * every task at once; once every task has ended, a second one ends the
 * runner as the signal itself would (the record may be stuck on a pipe
 * nobody reads). Ctrl-Z suspends the tasks with the runner (the terminal
 * stops only the runner: tasks run in sessions of their own), as it suspends
 * make and its jobs; `fg` or `bg` lets them go on. `say`: tell the console
 * what a signal does (through the live lanes, when they draw). `earlier`: a
 * signal the caller (a watch) heard while this run was being prepared,
 * which stops it at once.
 */
export function listenForSignals(handle: Pick<RunHandle, 'engine' | 'suspend' | 'resume'>, interrupt: AbortController, options: { say: boolean; lanes?: LanesRenderer; earlier?: NodeJS.Signals }): RunSignals {
  let signalled: NodeJS.Signals | undefined;
  let ended = false;
  const { lanes } = options;
  // While live progress draws, a line for the person at the terminal goes through it.
  const announce = (text: string) => {
    if (!options.say) return;
    if (lanes) lanes.announce(text);
    else process.stderr.write(text);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C: kill every task at once.
      handle.engine.killNow();
      if (ended) {
        // Only the record is left to write, and it may be stuck (an --events pipe nobody reads; process.exit
        // would wait for that write): end as the signal itself ends a process.
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      return;
    }
    signalled = signal;
    interrupt.abort();
    if (signal === 'SIGQUIT') {
      // Ctrl-\ quits at once, as a second Ctrl-C does: no grace period, no cleanup tasks.
      handle.engine.killNow();
      announce('\norchestrate: SIGQUIT received, killing every task at once\n');
      return;
    }
    const still = handle.engine.runOnInterrupt();
    const named = still.length > 3 ? `${still.slice(0, 3).join(', ')} and ${still.length - 3} more` : still.join(', ');
    const cleanup = still.length ? `; ${named} ${still.length === 1 ? 'runs' : 'run'} on an interrupt` : '';
    announce(`\norchestrate: ${signal} received, stopping${cleanup} (again to kill at once)\n`);
  };
  const onSuspend = () => {
    void handle.suspend().then(() => {
      lanes?.suspended();
      process.kill(process.pid, 'SIGSTOP');
    });
  };
  const onContinue = () => {
    handle.resume();
    lanes?.continued();
  };
  for (const signal of STOPPING) process.on(signal, onSignal);
  process.on('SIGTSTP', onSuspend);
  process.on('SIGCONT', onContinue);
  if (options.earlier) onSignal(options.earlier);
  return {
    signalled: () => signalled,
    ended: () => {
      ended = true;
    },
    stop: () => {
      for (const signal of STOPPING) process.off(signal, onSignal);
      process.off('SIGTSTP', onSuspend);
      process.off('SIGCONT', onContinue);
    },
  };
}
