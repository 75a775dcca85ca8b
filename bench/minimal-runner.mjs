// The floor for any Node DAG runner: spawn each task as soon as its needs are
// done, at most N at once; no progress, no logs. Usage: node minimal-runner.mjs tasks.json N
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const tasks = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const limit = Number(process.argv[3] ?? 8);
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
    const child = spawn('/bin/sh', ['-c', tasks[i].cmd], { stdio: 'ignore' });
    child.on('exit', (code) => {
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
