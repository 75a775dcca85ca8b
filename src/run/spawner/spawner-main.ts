import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { openFilesLimit } from '../../util/open-files-limit.js';
import { SecretMasker } from '../../telemetry/mask.js';
import { killProcess, killProcessGroup } from '../kill-process-group.js';
import { LAZY_START_MS, type FromSpawner, type OutputStream, type SpawnRequest, type ToSpawner } from './protocol.js';
import { processesOfRun } from './processes-of-run.js';
import { runProcess } from './run-process.js';

/*
 * A spawner process: starts task processes for the runner of a large run.
 * fork() blocks the forking process until the child has exec'd, so forking
 * from two small processes instead of the runner keeps both cores busy and
 * leaves the runner's event loop to scheduling and telemetry.
 */

let masker = new SecretMasker([]);
let baseEnv: Record<string, string> = {};
const running = new Map<number, number>();
/** The runs whose tasks this spawner started. */
const runs = new Set<string>();
/** The private directories of those runs' output files (launch-attempt.ts), which hold outputs and prompts in clear. */
const outputDirs = new Set<string>();
const OUTPUT_DIR_PREFIX = 'orchestrate-outputs-';

// Reports of one event-loop turn (tasks that ended together) go in one message.
let outbox: FromSpawner[] = [];
/** This turn's output message of each task, to add lines to. */
let outputs = new Map<number, Array<[OutputStream, string]>>();
/**
 * Starts not said yet: each message wakes the runner, so a start goes with
 * the next message (a short task's exit) or within LAZY_START_MS.
 */
let starts: Array<{ id: number; pid: number; at: number }> = [];
let startTimer: NodeJS.Timeout | undefined;
let flushing = false;

function flushSoon(): void {
  if (flushing) return;
  flushing = true;
  setImmediate(flush);
}

function flush(): void {
  flushing = false;
  clearTimeout(startTimer);
  startTimer = undefined;
  const now = performance.now();
  const messages: FromSpawner[] = starts.map(({ id, pid, at }) => ({ type: 'started', id, pid, ago: Math.round(now - at) }));
  messages.push(...outbox);
  starts = [];
  outbox = [];
  outputs = new Map();
  // The runner may be gone already: 'disconnect' ends this process; no error to print.
  if (messages.length) process.send?.(messages, () => undefined);
}

const send = (message: FromSpawner) => {
  outbox.push(message);
  flushSoon();
};

/** A task's process has started: said with the next message, or this turn when the request asked. */
function sayStarted(id: number, pid: number, atOnce: boolean): void {
  starts.push({ id, pid, at: performance.now() });
  if (atOnce) flushSoon();
  else startTimer ??= setTimeout(flushSoon, LAZY_START_MS);
}

/**
 * The console gets at most this much of one attempt's output (the log file
 * gets all of it): the runner prints what arrives, and a task printing
 * hundreds of megabytes must not pile up in the channel.
 */
const STREAM_LINES = 10_000;
const STREAM_BYTES = 1024 * 1024;

function relayLines(id: number): (stream: OutputStream, line: string) => void {
  let lines = STREAM_LINES;
  let bytes = STREAM_BYTES;
  let cut = false;
  return (stream, line) => {
    if (cut) return;
    lines--;
    bytes -= line.length;
    cut = lines < 0 || bytes < 0;
    let batch = outputs.get(id);
    if (!batch) {
      batch = [];
      outputs.set(id, batch);
      send({ type: 'output', id, lines: batch });
    }
    batch.push([stream, cut ? '... (the rest of the output is in the log file)' : line]);
  };
}

// The runner decides what happens on Ctrl-C or a closed terminal. In a group of its own, this
// process gets the terminal's signals no more, but one sent to every process (pkill) is left to the runner too.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('SIGHUP', () => undefined);
// The runner is gone (even kill -9) or done: no task may outlive it, not even a
// process that left its task's group; the runner does not wait for this.
process.on('disconnect', () => {
  for (const pid of running.values()) killProcessGroup(pid, 'SIGKILL');
  for (const runId of runs) {
    for (const pid of processesOfRun(runId, [process.pid])) killProcess(pid, 'SIGKILL');
  }
  // A runner that ends removes them itself; one killed (kill -9, the OOM killer) would leave them in the temporary directory.
  for (const dir of outputDirs) {
    try {
      if (basename(dir).startsWith(OUTPUT_DIR_PREFIX)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not ours to remove after all (permissions changed): left as it is.
    }
  }
  process.exit(0);
});

process.on('message', (messages: ToSpawner[]) => {
  for (const message of messages) handle(message);
});

/** File descriptors a running task holds here (three pipes and its log), and those this process keeps for itself. */
const FDS_PER_TASK = 4;
const RESERVED_FDS = 64;

/**
 * How many task processes this spawner runs at once at most: the system's
 * limit on open files (which Node raises to the hard limit) over what each
 * takes. Unlimited where the limit cannot be read (not Linux).
 */
const room = fileDescriptorRoom();

function fileDescriptorRoom(): number {
  const limit = openFilesLimit();
  // No /proc: the system's own errors say when, and tasks wait then (see start).
  return limit === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor((limit - RESERVED_FDS) / FDS_PER_TASK));
}

/** Tasks that wait for room: more than the limit allows, or refused by a limit of the system while others ran. */
const waiting: Array<{ request: SpawnRequest; since: number }> = [];

/** Starts a task's process; one that cannot start for a limit while others run waits for one of them to end. */
function start(request: SpawnRequest, since?: number): void {
  const env: Record<string, string> = { ...baseEnv, ...request.env };
  if (env.ORCHESTRATE_RUN_ID) runs.add(env.ORCHESTRATE_RUN_ID);
  outputDirs.add(dirname(request.outputFile));
  const waited = since === undefined ? undefined : `waited ${((performance.now() - since) / 1000).toFixed(1)}s to start, for other tasks to end: the system's limit on open files or processes leaves room for no more at once (raise it with ulimit -n or ulimit -u)`;
  const started = runProcess(request, env, masker, request.stream ? relayLines(request.id) : undefined, () => running.size > 0, waited, (value) => send({ type: 'secret', value }));
  if (started.pid !== undefined) {
    running.set(request.id, started.pid);
    sayStarted(request.id, started.pid, request.service === true);
  }
  void started.done.then((report) => {
    // A process that ended freed what a refused start needs.
    if (running.delete(request.id)) blocked = false;
    if (report) send(report);
    else {
      waiting.unshift({ request, since: since ?? performance.now() });
      // With none left running, nothing would free it: it is tried again now (and fails if refused again).
      blocked = running.size > 0;
    }
    startWaiting();
  });
}

/** A limit of the system refused a start: nothing more starts until a running task ends. */
let blocked = false;

/** Suspended with the runner (Ctrl-Z): the tasks are stopped, and new ones wait until it resumes. */
let suspended = false;

/** Starts waiting tasks, first come first, while there is room. */
function startWaiting(): void {
  while (!suspended && !blocked && waiting.length && running.size < room) {
    const next = waiting.shift()!;
    start(next.request, next.since);
  }
}

function handle(message: ToSpawner): void {
  switch (message.type) {
    case 'config':
      masker = new SecretMasker(message.secrets);
      baseEnv = message.baseEnv;
      send({ type: 'ready' });
      break;
    case 'secret':
      // Registered by a task of another spawner: masked here too from now on.
      masker.add(message.value);
      break;
    case 'spawn':
      if (!suspended && !blocked && !waiting.length && running.size < room) start(message);
      else waiting.push({ request: message, since: performance.now() });
      break;
    case 'kill': {
      const pid = running.get(message.id);
      if (pid !== undefined) killProcessGroup(pid, message.signal);
      // A stopped process acts on SIGTERM only once it runs again.
      if (pid !== undefined && suspended) killProcessGroup(pid, 'SIGCONT');
      const w = waiting.findIndex((entry) => entry.request.id === message.id);
      if (w !== -1) {
        // Stopped before it could start: it ends as if the signal had ended it.
        waiting.splice(w, 1);
        send({ type: 'exit', id: message.id, code: null, signal: message.signal, outputs: {}, tail: [], durationMs: 0 });
      }
      break;
    }
    case 'suspend':
      suspended = true;
      for (const pid of running.values()) killProcessGroup(pid, 'SIGSTOP');
      break;
    case 'resume':
      suspended = false;
      for (const pid of running.values()) killProcessGroup(pid, 'SIGCONT');
      startWaiting();
      break;
  }
}
