import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Database } from '../store/open-store.js';
import { unfinishedRuns, type RunRow } from '../store/queries.js';

/** Whether the run's runner is alive: unfinished, and its process on this machine still exists. */
export function stillRunning(run: RunRow): boolean {
  return run.finished_at === null && run.runner_pid !== null && processAlive(run.runner_pid, run.runner_host, run.runner_started);
}

/** Whether another process of this machine, which started at `started` (ms since the epoch, if known), still exists. */
export function processAlive(pid: number, host: string | null, started: number | null): boolean {
  if (host !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const facts = processFacts(pid);
  // A runner killed (kill -9) whose parent has not reaped it yet is a zombie: it has ended. In a
  // container whose first process reaps nothing, it stays one until the container stops.
  if (facts?.state === 'Z' || facts?.state === 'X') return false;
  // A pid can be reused after the runner died (kill -9): on Linux, the start time tells them apart.
  const actual = facts?.startedAt;
  return actual === undefined || started === null || Math.abs(actual - started) < 3000;
}

/** A process's state letter (`R`, `S`, `Z`...) and when it started (ms since the epoch), from /proc on Linux; undefined elsewhere. */
function processFacts(pid: number): { state: string; startedAt?: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which may hold spaces: state is field 3, starttime (clock ticks of 1/100 s) field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const ticks = Number(fields[19]);
    return { state: fields[0]!, ...(Number.isFinite(bootSeconds) && Number.isFinite(ticks) ? { startedAt: bootSeconds * 1000 + ticks * 10 } : {}) };
  } catch {
    return undefined;
  }
}

/** A run's status for people: its recorded end, else `running` while its runner is alive, else `unfinished` (it ended without a record). */
export function runStatus(run: RunRow): string {
  return run.status ?? (stillRunning(run) ? 'running' : 'unfinished');
}

/** The latest run whose runner is alive on this machine, if any. */
export function runGoingOn(db: Database): RunRow | undefined {
  return unfinishedRuns(db).find(stillRunning);
}
