/*
 * Forks spawner processes, and keeps those forked ahead of a run until the
 * run's SpawnerClient adopts them. CommonJS (.cts): the CLI's start
 * (src/cli/start-bundle.cts) forks the first before it loads the CLI bundle,
 * so that the spawner's own start overlaps the CLI's whole start.
 */
import { fork, type ChildProcess } from 'node:child_process';

/**
 * Node settings of the user's that a spawner has no use for and that slow its
 * start: it makes no TLS connections (reading NODE_EXTRA_CA_CERTS' bundle
 * costs ~30 ms per process here) and runs no user code (NODE_OPTIONS may
 * preload some). Tasks get the run's environment from the runner, not this one.
 */
const NOT_FOR_SPAWNERS = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];

/**
 * The spawner program at `path`, forked; a failure shows when it is used. It
 * runs in a process group (and session) of its own: a signal to the runner's
 * whole group that the runner cannot answer — SIGKILL (`timeout -s KILL`,
 * `kill -9 -PGID`), or Ctrl-\ (SIGQUIT) in a terminal — must not take the
 * spawners with it, as they are what then kills the tasks.
 */
export function forkSpawner(path: string): ChildProcess {
  const env = { ...process.env };
  for (const name of NOT_FOR_SPAWNERS) delete env[name];
  const child = fork(path, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json', env, detached: true });
  child.on('error', () => undefined);
  return child;
}

/** Where forked spawners wait: on globalThis, as the CLI's start and the CLI bundle are separate module graphs. */
const POOL = Symbol.for('orchestrate.prestarted-spawners');

function pool(): ChildProcess[] {
  const global = globalThis as Record<symbol, ChildProcess[] | undefined>;
  return (global[POOL] ??= []);
}

/** Forks spawners until `count` wait; until adopted they do not keep the process alive. */
export function prestartSpawners(path: string, count: number): void {
  const waiting = pool();
  while (waiting.length < count) {
    const child = forkSpawner(path);
    child.unref();
    child.channel?.unref();
    waiting.push(child);
  }
}

/** A spawner forked ahead, if one waits. */
export function takePrestarted(): ChildProcess | undefined {
  return pool().shift();
}

/** Whether a command line is a run that will start tasks (and so needs a spawner). */
export function startsTasks(argv: readonly string[]): boolean {
  return argv[2] === 'run' && !argv.includes('--dry-run') && !argv.includes('--help') && !argv.includes('-h');
}
