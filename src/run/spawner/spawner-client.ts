import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { killProcess, killProcessGroup } from '../kill-process-group.js';
import { forkSpawner, prestartSpawners as prestart, takePrestarted } from './fork-spawner.cjs';
import { processesOfRun } from './processes-of-run.js';
import type { ExitReport, FromSpawner, OutputStream, SpawnRequest, ToSpawner } from './protocol.js';

// Beside this file: bundled with the CLI (.cjs) or as tsc wrote it (the library); when running from the TypeScript sources (tests), the built one.
const SPAWNER = [new URL('./spawner-main.cjs', import.meta.url), new URL('./spawner-main.js', import.meta.url), new URL('../../../dist/run/spawner/spawner-main.js', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL('./spawner-main.js', import.meta.url));

/** At most this many spawner processes: one per core, up to two (measured on two cores). */
export const MAX_SPAWNERS = Math.max(1, Math.min(2, availableParallelism()));
/**
 * Task starts per 100 ms that make a second spawner worth its start-up: one
 * spawner forks about 1,000 processes a second here, so at this rate it is
 * busy a third of the time and short tasks queue behind each other's fork.
 */
export const BUSY_STARTS = 30;
const WINDOW_MS = 100;
/**
 * How long a spawner may take to report the end of a task killed at once (a
 * second Ctrl-C) before it is taken for stuck and killed: its end is then
 * reported for it. A task's end normally comes within a moment; its output
 * may drain for a second more.
 */
const UNANSWERED_MS = 3000;

/** Forks `count` spawner processes now (unless forked already), for the next SpawnerClient to adopt. */
export function prestartSpawners(count: number): void {
  prestart(SPAWNER, count);
}

interface Pending {
  resolve(report: ExitReport): void;
  /** Receives the task's output lines, if the request asked for them. */
  onOutput?: (stream: OutputStream, line: string) => void;
  /** Told when the task's process has started (it may have waited for room in its spawner), and how many milliseconds ago. */
  onStarted?: (ago: number) => void;
  /** Spawner process index. */
  worker: number;
  /** The task's process group, once the spawner said. */
  pid?: number;
  /** Its variables: ORCHESTRATE_RUN_ID, _TASK_ID and _ATTEMPT mark its processes, to find them without the spawner. */
  env: Record<string, string>;
  /** Set when the task was killed at once: its spawner is killed if it does not report the end in time. */
  giveUp?: NodeJS.Timeout;
}

interface Worker {
  child?: ChildProcess;
  /** Tasks it runs now. */
  load: number;
  /** It may take work: started with the run, or said it is up. */
  ready: boolean;
  /** Messages of this tick, sent together. */
  outbox?: ToSpawner[];
}

/**
 * Starts task processes through spawner processes: fork() blocks the forking
 * process until the child has exec'd and costs more the larger the process,
 * so small spawners keep the cores busy and leave the runner free for
 * scheduling and telemetry. A run starts with one; a second starts when
 * tasks start faster than one forks comfortably (short tasks), and gets work
 * once it is up. A spawner kills its tasks when the runner disappears,
 * whatever the way, even kill -9.
 */
export class SpawnerClient {
  private readonly workers: Worker[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Suspended (Ctrl-Z): a spawner started now is told so too. */
  private suspended = false;
  private windowStart = -Infinity;
  private windowStarts = 0;

  /**
   * @param options.fixed exactly this many spawners, all started at once and
   *   all given work from the start (ORCHESTRATE_SPAWNERS); by default one,
   *   and a second when starts are frequent.
   * @param options.startsPerSecond the expected rate of task starts (from the
   *   estimates): when it is high, the second spawner starts at once.
   * @param options.onSecret told each value a task registered to mask
   *   (`::add-mask::`); the other spawners are told here.
   */
  constructor(secrets: readonly string[], private readonly baseEnv: Record<string, string>, options: { fixed?: number; startsPerSecond?: number; onSecret?: (value: string) => void } = {}) {
    this.secrets = [...secrets];
    this.fixed = options.fixed;
    this.expectBusy = (options.startsPerSecond ?? 0) * (WINDOW_MS / 1000) >= BUSY_STARTS;
    this.onSecret = options.onSecret;
  }

  private readonly secrets: string[];
  private readonly onSecret?: (value: string) => void;

  private readonly fixed?: number;
  private readonly expectBusy: boolean;

  /** Starts the first spawner process (or all that are sure to be needed) ahead of the first task. */
  warmUp(): void {
    const count = this.fixed !== undefined ? this.fixed : this.expectBusy ? MAX_SPAWNERS : 1;
    while (this.workers.length < count) this.addWorker(true);
  }

  /** @param ready give it work at once (its messages wait in the channel), or only once it says it is up */
  private addWorker(ready: boolean): void {
    this.workers.push({ load: 0, ready });
    this.process(this.workers.length - 1);
  }

  private process(index: number): ChildProcess {
    const worker = this.workers[index]!;
    if (worker.child) return worker.child;
    const child = takePrestarted() ?? forkSpawner(SPAWNER);
    child.ref();
    child.channel?.ref();
    child.on('message', (messages: FromSpawner[]) => {
      for (const message of messages) {
        if (message.type === 'ready') worker.ready = true;
        else if (message.type === 'started') {
          const pending = this.pending.get(message.id);
          if (pending) {
            pending.pid = message.pid;
            pending.onStarted?.(message.ago);
          }
        } else if (message.type === 'output') {
          const pending = this.pending.get(message.id);
          for (const [stream, line] of message.lines) pending?.onOutput?.(stream, line);
        } else if (message.type === 'secret') this.secretFrom(index, message.value);
        else this.ended(message);
      }
    });
    // A spawner that dies (or cannot start) takes its tasks with it: the runner kills what it started.
    const lost = (why: string) => {
      if (worker.child !== child) return;
      worker.child = undefined;
      worker.ready = false;
      worker.load = 0;
      for (const [id, pending] of this.pending) {
        if (pending.worker !== index) continue;
        this.pending.delete(id);
        clearTimeout(pending.giveUp);
        if (pending.pid !== undefined) killProcessGroup(pending.pid, 'SIGKILL');
        // Started, maybe, but not yet said (the spawner died or stuck before it could), or left its group: found by its variables.
        for (const pid of attemptProcesses(pending.env)) killProcess(pid, 'SIGKILL');
        pending.resolve({ type: 'exit', id, code: null, signal: null, lost: why, outputs: {}, tail: [], durationMs: 0 });
      }
    };
    child.on('exit', (code, signal) => lost(`its spawner process died (${signal ?? `exit code ${code}`})`));
    child.on('error', (error) => lost(`its spawner process failed: ${error.message}`));
    worker.child = child;
    this.post(index, { type: 'config', secrets: [...this.secrets], baseEnv: this.baseEnv });
    if (this.suspended) this.post(index, { type: 'suspend' });
    return child;
  }

  /** A secret a task of spawner `from` registered: the runner and the other spawners mask it too, and spawners started later. */
  private secretFrom(from: number, value: string): void {
    if (this.secrets.includes(value)) return;
    this.secrets.push(value);
    this.onSecret?.(value);
    this.workers.forEach((worker, index) => {
      if (index !== from && worker.child) this.post(index, { type: 'secret', value });
    });
  }

  /** Queues a message; the messages of one tick (e.g. the tasks one end made ready) go in one write. */
  private post(index: number, message: ToSpawner): void {
    const worker = this.workers[index]!;
    if (worker.outbox) {
      worker.outbox.push(message);
      return;
    }
    worker.outbox = [message];
    process.nextTick(() => {
      const messages = worker.outbox!;
      worker.outbox = undefined;
      worker.child?.send(messages);
    });
  }

  private ended(report: ExitReport): void {
    const pending = this.pending.get(report.id);
    if (!pending) return;
    this.pending.delete(report.id);
    clearTimeout(pending.giveUp);
    this.workers[pending.worker]!.load--;
    pending.resolve(report);
  }

  /** The least loaded spawner that can take work now (or the first). */
  private pick(): number {
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) {
      const w = this.workers[i]!;
      if (w.ready && w.load < this.workers[best]!.load) best = i;
    }
    return best;
  }

  /** Counts starts; frequent ones bring in another spawner. */
  private noteStart(): void {
    const now = performance.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowStarts = 0;
    }
    if (++this.windowStarts === BUSY_STARTS && this.fixed === undefined && this.workers.length < MAX_SPAWNERS) this.addWorker(false);
  }

  /**
   * Starts a task process; resolves with its exit report. `onOutput` gets its
   * output lines, masked, as they come; `onStarted` is told once the process
   * has started (which a task waiting for room in its spawner does later), and
   * how long ago: a start is said with the spawner's next message, unless the
   * request is a `service`'s.
   */
  spawn(request: Omit<SpawnRequest, 'type' | 'id' | 'stream'>, onOutput?: (stream: OutputStream, line: string) => void, onStarted?: (ago: number) => void): { id: number; done: Promise<ExitReport> } {
    if (!this.workers.length) this.warmUp();
    this.noteStart();
    const id = this.nextId++;
    const worker = this.pick();
    const done = new Promise<ExitReport>((resolve) => this.pending.set(id, { resolve, worker, onOutput, onStarted, env: request.env }));
    this.workers[worker]!.load++;
    this.process(worker);
    this.post(worker, onOutput ? { ...request, type: 'spawn', id, stream: true } : { ...request, type: 'spawn', id });
    return { id, done };
  }

  /** Signals a task's process group (the spawner got the spawn request first: IPC keeps order). */
  kill(id: number, signal: 'SIGTERM' | 'SIGKILL'): void {
    const pending = this.pending.get(id);
    if (pending && this.workers[pending.worker]!.child) this.post(pending.worker, { type: 'kill', id, signal });
  }

  /**
   * Kills a task's process group at once (a second Ctrl-C, `cancel --force`):
   * through its spawner, and from here too, so that a spawner that is stuck
   * does not keep it alive. A spawner that has not reported the end within
   * UNANSWERED_MS is killed, which ends its tasks as lost.
   */
  killNow(id: number): void {
    const pending = this.pending.get(id);
    const child = pending && this.workers[pending.worker]!.child;
    if (!pending || !child) return;
    this.post(pending.worker, { type: 'kill', id, signal: 'SIGKILL' });
    if (pending.pid !== undefined) killProcessGroup(pending.pid, 'SIGKILL');
    pending.giveUp ??= setTimeout(() => {
      if (this.pending.has(id) && this.workers[pending.worker]!.child === child) child.kill('SIGKILL');
    }, UNANSWERED_MS);
  }

  /**
   * Stops every task process (SIGSTOP to its group) and holds new starts, as
   * Ctrl-Z stops the runner: resolves once every spawner has been told, so the
   * runner may stop itself then.
   */
  suspend(): Promise<void> {
    this.suspended = true;
    return Promise.all(this.workers.map((worker) => new Promise<void>((resolve) => {
      if (!worker.child?.connected) return resolve();
      worker.child.send([{ type: 'suspend' }], () => resolve());
    }))).then(() => undefined);
  }

  /** Lets the tasks go on (SIGCONT to their groups) and starts those held. */
  resume(): void {
    this.suspended = false;
    this.workers.forEach((worker, index) => {
      if (worker.child) this.post(index, { type: 'resume' });
    });
  }

  /** Ends the spawner processes (call once no task runs); they clean up after the run without holding up the runner. */
  close(): void {
    for (const worker of this.workers) {
      worker.child?.disconnect();
      worker.child?.unref();
      worker.child = undefined;
    }
  }
}

/** The processes of one attempt, by the variables every task process and its children inherit; none without them. */
function attemptProcesses(env: Record<string, string>): number[] {
  const { ORCHESTRATE_RUN_ID: run, ORCHESTRATE_TASK_ID: task, ORCHESTRATE_ATTEMPT: attempt } = env;
  if (run === undefined || task === undefined) return [];
  return processesOfRun(run, [process.pid], [`ORCHESTRATE_TASK_ID=${task}`, ...(attempt !== undefined ? [`ORCHESTRATE_ATTEMPT=${attempt}`] : [])]);
}
