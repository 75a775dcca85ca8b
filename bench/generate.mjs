// Workflow generators for the benchmark (seeded, so every run measures the same files).

import { seededRandom as random } from '../dist/util/random.js';

export { random };

/** `n` tasks, each needing up to `fanIn` random earlier tasks within a window. */
export function randomDag({ n, fanIn = 3, seed = 1, window = 2000, command = (i) => `echo ${i}`, estimate = () => 1, agents = [] }) {
  const rnd = random(seed);
  const lines = ['version: 1', `name: random-${n}`, 'policy: { maxConcurrency: 8 }'];
  if (agents.length) {
    lines.push('agents:');
    for (const a of agents) lines.push(`  ${a.name}: { command: "${a.command}", concurrency: ${a.concurrency} }`);
  }
  lines.push('tasks:');
  const needsOf = [];
  for (let i = 0; i < n; i++) {
    const needs = new Set();
    if (i > 0) for (let k = 0; k < fanIn; k++) needs.add(Math.max(0, i - 1 - Math.floor(rnd() * Math.min(i, window))));
    needsOf.push([...needs]);
    lines.push(`  t${i}:`);
    const agent = agents.length ? agents[Math.floor(rnd() * agents.length)] : undefined;
    if (agent) lines.push(`    agent: ${agent.name}`, `    params: { seconds: ${estimate(i, rnd)} }`);
    else lines.push(`    run: ${command(i, rnd)}`);
    lines.push(`    estimate: ${estimate(i, rnd)}`);
    if (needs.size) lines.push(`    needs: [${[...needs].map((d) => `t${d}`).join(', ')}]`);
  }
  return { text: `${lines.join('\n')}\n`, needs: needsOf };
}

/** A chain t0 <- t1 <- ... <- t(n-1). */
export function chain(n) {
  const lines = ['version: 1', `name: chain-${n}`, 'tasks:'];
  for (let i = 0; i < n; i++) lines.push(`  t${i}: { run: "true", estimate: 1${i ? `, needs: t${i - 1}` : ''} }`);
  return `${lines.join('\n')}\n`;
}
