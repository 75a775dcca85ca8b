// The floor for any Node DAG runner: spawn each task as soon as its needs are
// done, at most N at once; no progress, no logs. Usage: node minimal-runner.mjs tasks.json N [logdir]
// With a log directory it also keeps each task's stdout and stderr, unmasked, in
// <logdir>/<id>.log (pipes, as any runner that keeps logs needs): the floor for those.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const tasks = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const limit = Number(process.argv[3] ?? 8);
const logs = process.argv[4];
if (logs) mkdirSync(logs, { recursive: true });
const index = new Map(tasks.map((t, i) => [t.id, i]));
const remaining = tasks.map((t) => t.needs.length);
const dependents = tasks.map(() => []);
tasks.forEach((t, i) => t.needs.forEach((n) => dependents[index.get(n)].push(i)));
const ready = [];
tasks.forEach((t, i) => remaining[i] === 0 && ready.push(i));
let running = 0;
let done = 0;
let failed = false;

function pump() {
  while (running < limit && ready.length) {
    const i = ready.shift();
    running++;
    const child = spawn('/bin/sh', ['-c', tasks[i].cmd], { stdio: logs ? ['ignore', 'pipe', 'pipe'] : 'ignore' });
    if (logs) {
      // Opened on the first output, as a task that prints nothing needs no file.
      let file;
      const write = (chunk) => (file ??= createWriteStream(join(logs, `${tasks[i].id}.log`))).write(chunk);
      child.stdout.on('data', write);
      child.stderr.on('data', write);
    }
    // Without logs the task is done when it exits; with them, once its output is all read.
    child.on(logs ? 'close' : 'exit', (code) => {
      running--;
      done++;
      if (code !== 0) failed = true;
      for (const d of dependents[i]) if (--remaining[d] === 0) ready.push(d);
      if (done === tasks.length) process.exit(failed ? 1 : 0);
      pump();
    });
  }
}
pump();
