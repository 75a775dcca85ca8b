// Benchmark sections that run workflows for real (see run.mjs).
import { spawnSync, execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { random } from './generate.mjs';

/** A workflow as YAML, a Makefile and the minimal runner's JSON, from one task list. */
export function writeDag(dir, name, tasks, { concurrency } = {}) {
  mkdirSync(dir, { recursive: true });
  const yaml = ['version: 1', `name: ${name}`, `policy: { maxConcurrency: ${concurrency} }`, 'tasks:'];
  for (const t of tasks) {
    yaml.push(`  ${t.id}:`);
    yaml.push(`    run: "${t.cmd}"`);
    if (t.estimate !== undefined) yaml.push(`    estimate: ${t.estimate}`);
    if (t.needs.length) yaml.push(`    needs: [${t.needs.join(', ')}]`);
  }
  writeFileSync(join(dir, `${name}.yaml`), `${yaml.join('\n')}\n`);
  const make = ['.PHONY: all ' + tasks.map((t) => t.id).join(' '), `all: ${tasks.map((t) => t.id).join(' ')}`];
  for (const t of tasks) make.push(`${t.id}: ${t.needs.join(' ')}`, `\t@${t.cmd}`);
  writeFileSync(join(dir, `${name}.mk`), `${make.join('\n')}\n`);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(tasks));
}

/** Wall seconds of a command (median of `runs`); `env` is its whole environment (default: ours). */
export function timeCommand(command, args, { cwd, runs = 3, env = process.env } = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Wall seconds of several commands, run in turns (A, B, C, A, B, C, ...) so
 * that a noisy spell of the machine hits them alike; the median of each.
 */
export function timeInTurns(commands, { runs = 5 } = {}) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(([command, args, options], k) => {
      times[k].push(timeCommand(command, args, { ...options, runs: 1 }));
    });
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

export function noopDag(n, seed = 3) {
  const rnd = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const needs = new Set();
    if (i > 0) for (let k = 0; k < 2; k++) needs.add(`t${Math.max(0, i - 1 - Math.floor(rnd() * Math.min(i, 50)))}`);
    return { id: `t${i}`, cmd: 'true', needs: [...needs] };
  });
}

export function sleepDag(n, seed = 11) {
  const rnd = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const seconds = Math.round((0.01 + rnd() * 0.19) * 100) / 100;
    const needs = new Set();
    const count = i < 8 ? 0 : Math.floor(rnd() * 3);
    for (let k = 0; k < count; k++) needs.add(`t${Math.floor(rnd() * i)}`);
    return { id: `t${i}`, cmd: `sleep ${seconds}`, estimate: seconds, needs: [...needs] };
  });
}

export function planWall(bin, file, concurrency) {
  const plan = JSON.parse(execFileSync(process.execPath, [bin, 'plan', file, '--json', '--concurrency', String(concurrency)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  return plan.estimate;
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
