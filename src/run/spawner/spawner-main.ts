import { SecretMasker } from '../../telemetry/mask.js';
import { killProcessGroup } from '../kill-process-group.js';
import type { FromSpawner, OutputStream, ToSpawner } from './protocol.js';
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

// Reports of one event-loop turn (tasks that ended together) go in one message.
let outbox: FromSpawner[] = [];
/** This turn's output message of each task, to add lines to. */
let outputs = new Map<number, Array<[OutputStream, string]>>();
const send = (message: FromSpawner) => {
  if (!outbox.length) {
    setImmediate(() => {
      const messages = outbox;
      outbox = [];
      outputs = new Map();
      // The runner may be gone already: 'disconnect' ends this process; no error to print.
      process.send?.(messages, () => undefined);
    });
  }
  outbox.push(message);
};

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

// The runner decides what happens on Ctrl-C or a closed terminal; the terminal signals us too.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('SIGHUP', () => undefined);
// The runner is gone (even kill -9) or done: no task may outlive it, not even a
// process that left its task's group; the runner does not wait for this.
process.on('disconnect', () => {
  for (const pid of running.values()) killProcessGroup(pid, 'SIGKILL');
  for (const runId of runs) {
    for (const pid of processesOfRun(runId, [process.pid])) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
  process.exit(0);
});

process.on('message', (messages: ToSpawner[]) => {
  for (const message of messages) handle(message);
});

function handle(message: ToSpawner): void {
  switch (message.type) {
    case 'config':
      masker = new SecretMasker(message.secrets);
      baseEnv = message.baseEnv;
      send({ type: 'ready' });
      break;
    case 'spawn': {
      const env: Record<string, string> = { ...baseEnv, ...message.env };
      if (env.ORCHESTRATE_RUN_ID) runs.add(env.ORCHESTRATE_RUN_ID);
      const started = runProcess(message, env, masker, message.stream ? relayLines(message.id) : undefined);
      if (started.pid !== undefined) {
        running.set(message.id, started.pid);
        send({ type: 'started', id: message.id, pid: started.pid });
      }
      void started.done.then((report) => {
        running.delete(message.id);
        send(report);
      });
      break;
    }
    case 'kill': {
      const pid = running.get(message.id);
      if (pid !== undefined) killProcessGroup(pid, message.signal);
      break;
    }
  }
}
