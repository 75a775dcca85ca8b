import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SecretMasker } from '../../telemetry/mask.js';
import { killProcessGroup, liveProcessGroups } from '../kill-process-group.js';
import type { ExitReport, FromSpawner, SpawnRequest, ToSpawner } from './protocol.js';
import { runProcess } from './run-process.js';

const SPAWNER = fileURLToPath(new URL('./spawner-main.js', import.meta.url));

/** Runs with at least this many tasks start their processes from spawner processes. */
export const SPAWNER_THRESHOLD = 64;

interface Pending {
  resolve(report: ExitReport): void;
  /** Spawner process index, or -1 when started in this process. */
  worker: number;
  pid?: number;
  /** Kill requested before the process started. */
  killed?: 'SIGTERM' | 'SIGKILL';
}

/**
 * Starts task processes, either in this process (small runs: no extra
 * start-up) or through spawner processes (large runs: fork() blocks the
 * forking process until the child has exec'd, so two small spawners keep
 * both cores busy and leave the runner free for scheduling and telemetry).
 * Keeps the set of live process groups so an exiting runner can kill them.
 */
export class SpawnerClient {
  private readonly children: Array<ChildProcess | undefined>;
  private readonly load: number[];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly baseEnvKeys: Set<string>;
  private readonly masker: SecretMasker;

  constructor(private readonly secrets: readonly string[], private readonly baseEnv: Record<string, string>, workers: number) {
    this.baseEnvKeys = new Set(Object.keys(baseEnv));
    this.children = Array.from({ length: workers }, () => undefined);
    this.load = this.children.map(() => 0);
    this.masker = new SecretMasker(secrets);
  }

  /** Starts the spawner processes ahead of the first task (each takes a Node start-up). */
  warmUp(): void {
    this.children.forEach((_, i) => this.process(i));
  }

  private process(worker: number): ChildProcess {
    const existing = this.children[worker];
    if (existing) return existing;
    const child = fork(SPAWNER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    child.on('message', (message: FromSpawner) => this.onMessage(message));
    child.on('exit', () => {
      this.children[worker] = undefined;
      for (const [id, pending] of this.pending) {
        if (pending.worker !== worker) continue;
        this.pending.delete(id);
        pending.resolve({ type: 'exit', id, code: null, signal: null, spawnError: 'the spawner process died', outputs: {}, tail: [], durationMs: 0 });
      }
    });
    child.send({ type: 'config', secrets: [...this.secrets], baseEnv: this.baseEnv } satisfies ToSpawner);
    this.children[worker] = child;
    return child;
  }

  private started(id: number, pid: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    pending.pid = pid;
    liveProcessGroups.add(pid);
    if (pending.killed) this.kill(id, pending.killed);
  }

  private ended(report: ExitReport): void {
    const pending = this.pending.get(report.id);
    if (!pending) return;
    if (pending.pid !== undefined) liveProcessGroups.delete(pending.pid);
    this.pending.delete(report.id);
    if (pending.worker >= 0) this.load[pending.worker]!--;
    pending.resolve(report);
  }

  private onMessage(message: FromSpawner): void {
    if (message.type === 'started') this.started(message.id, message.pid);
    else this.ended(message);
  }

  /** Starts a task process; resolves with its exit report. */
  spawn(request: Omit<SpawnRequest, 'type' | 'id' | 'unset'>): { id: number; done: Promise<ExitReport> } {
    const id = this.nextId++;
    const worker = this.children.length ? this.load.indexOf(Math.min(...this.load)) : -1;
    const done = new Promise<ExitReport>((resolve) => this.pending.set(id, { resolve, worker }));
    if (worker < 0) {
      const running = runProcess({ ...request, type: 'spawn', id, unset: [] }, request.env, this.masker);
      if (running.pid !== undefined) this.started(id, running.pid);
      void running.done.then((report) => this.ended(report));
      return { id, done };
    }
    this.load[worker]!++;
    // Only what differs from the spawner's copy of the base environment travels.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.env)) if (this.baseEnv[k] !== v) env[k] = v;
    const unset = [...this.baseEnvKeys].filter((k) => !(k in request.env));
    this.process(worker).send({ ...request, type: 'spawn', id, env, unset } satisfies ToSpawner);
    return { id, done };
  }

  kill(id: number, signal: 'SIGTERM' | 'SIGKILL'): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    if (pending.pid === undefined) {
      pending.killed = signal;
      return;
    }
    if (pending.worker < 0) killProcessGroup(pending.pid, signal);
    else this.children[pending.worker]?.send({ type: 'kill', id, signal } satisfies ToSpawner);
  }

  /** Ends the spawner processes (call once no task runs). */
  close(): void {
    this.children.forEach((child, i) => {
      child?.disconnect();
      this.children[i] = undefined;
    });
  }
}
