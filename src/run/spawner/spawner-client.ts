import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { ExitReport, FromSpawner, SpawnRequest, ToSpawner } from './protocol.js';

// Beside this file in the build; when running from the TypeScript sources (tests), the built one.
const SPAWNER = [new URL('./spawner-main.js', import.meta.url), new URL('../../../dist/run/spawner/spawner-main.js', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL('./spawner-main.js', import.meta.url));

/** Runs with at least this many tasks use two spawner processes (one per core here), smaller ones one. */
export const SPAWNER_THRESHOLD = 64;

// Spawners forked before the workflow is loaded, so their start-up overlaps the runner's.
const prestarted: ChildProcess[] = [];

/** Forks `count` spawner processes now, for the next SpawnerClient to adopt. */
export function prestartSpawners(count: number): void {
  while (prestarted.length < count) prestarted.push(forkSpawner());
}

function forkSpawner(): ChildProcess {
  const child = fork(SPAWNER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  // Until adopted, a spawner does not keep the runner alive.
  child.unref();
  child.channel?.unref();
  return child;
}

interface Pending {
  resolve(report: ExitReport): void;
  /** Spawner process index. */
  worker: number;
}

/**
 * Starts task processes through spawner processes: fork() blocks the forking
 * process until the child has exec'd and costs more the larger the process,
 * so small spawners (two for large runs, one per core here) keep the cores
 * busy and leave the runner free for scheduling and telemetry. A spawner
 * kills its tasks when the runner disappears, whatever the way, even kill -9.
 */
export class SpawnerClient {
  private readonly children: Array<ChildProcess | undefined>;
  private readonly load: number[];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly secrets: readonly string[], private readonly baseEnv: Record<string, string>, workers: number) {
    this.children = Array.from({ length: Math.max(1, workers) }, () => undefined);
    this.load = this.children.map(() => 0);
  }

  /** Starts the spawner processes ahead of the first task (each takes a Node start-up). */
  warmUp(): void {
    this.children.forEach((_, i) => this.process(i));
  }

  private process(worker: number): ChildProcess {
    const existing = this.children[worker];
    if (existing) return existing;
    const child = prestarted.shift() ?? forkSpawner();
    child.ref();
    child.channel?.ref();
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

  private ended(report: ExitReport): void {
    const pending = this.pending.get(report.id);
    if (!pending) return;
    this.pending.delete(report.id);
    this.load[pending.worker]!--;
    pending.resolve(report);
  }

  private onMessage(message: FromSpawner): void {
    this.ended(message);
  }

  /** Starts a task process; resolves with its exit report. */
  spawn(request: Omit<SpawnRequest, 'type' | 'id'>): { id: number; done: Promise<ExitReport> } {
    const id = this.nextId++;
    const worker = this.load.indexOf(Math.min(...this.load));
    const done = new Promise<ExitReport>((resolve) => this.pending.set(id, { resolve, worker }));
    this.load[worker]!++;
    this.process(worker).send({ ...request, type: 'spawn', id } satisfies ToSpawner);
    return { id, done };
  }

  /** Signals a task's process group (the spawner got the spawn request first: IPC keeps order). */
  kill(id: number, signal: 'SIGTERM' | 'SIGKILL'): void {
    const pending = this.pending.get(id);
    if (pending) this.children[pending.worker]?.send({ type: 'kill', id, signal } satisfies ToSpawner);
  }

  /** Ends the spawner processes (call once no task runs). */
  close(): void {
    this.children.forEach((child, i) => {
      child?.disconnect();
      this.children[i] = undefined;
    });
  }
}
