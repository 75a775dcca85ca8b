import { SecretMasker } from '../../telemetry/mask.js';
import { killProcessGroup } from '../kill-process-group.js';
import type { FromSpawner, ToSpawner } from './protocol.js';
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
const send = (message: FromSpawner) => {
  if (!outbox.length) {
    setImmediate(() => {
      const messages = outbox;
      outbox = [];
      // The runner may be gone already: 'disconnect' ends this process; no error to print.
      process.send?.(messages, () => undefined);
    });
  }
  outbox.push(message);
};

// The runner decides what happens on Ctrl-C; the terminal sends it to us too.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
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
      const started = runProcess(message, env, masker);
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
