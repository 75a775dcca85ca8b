#!/usr/bin/env node
// npm run bench: measures orchestrate against baselines run in the same process tree,
// and prints a table of ratios. Not part of npm test (it takes minutes).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomDag, chain } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const bin = join(root, 'bin/orchestrate.js');
const work = mkdtempSync(join(tmpdir(), 'orchestrate-bench-'));
const only = process.argv.slice(2);
const rows = [];

function row(name, measured, baselineName, baseline, target, ok) {
  rows.push({ name, measured, baselineName, baseline, ratio: baseline ? measured / baseline : undefined, target, ok });
  console.log(`  ${name}: ${measured.toFixed(3)}${baseline ? `  vs ${baselineName} ${baseline.toFixed(3)}  ratio ${(measured / baseline).toFixed(2)}` : ''}  ${target}  ${ok ? 'OK' : 'MISSED'}`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function child(script, args) {
  const out = execFileSync(process.execPath, [join(here, script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop());
}

const sections = {
  async plan() {
    console.log('plan: 50,000 tasks with ~3 needs each; a 100,000-task chain (load + plan, in one process)');
    const dag = join(work, 'dag50k.yaml');
    writeFileSync(dag, randomDag({ n: 50_000, fanIn: 3 }).text);
    const long = join(work, 'chain100k.yaml');
    writeFileSync(long, chain(100_000));
    const parse = median([1, 2, 3].map(() => child('parse-child.mjs', [dag]).ms)) / 1000;
    const runs = [1, 2, 3].map(() => child('plan-child.mjs', [dag]));
    const seconds = median(runs.map((r) => r.ms)) / 1000;
    const rss = Math.max(...runs.map((r) => r.maxRssMb));
    row('plan 50k tasks (s)', seconds, 'js-yaml parse alone', parse, 'target < 2 s', seconds < 2);
    row('plan 50k tasks peak RSS (MB)', rss, '', undefined, 'target < 500 MB', rss < 500);
    const c = child('plan-child.mjs', [long]);
    row('plan 100k chain (s)', c.ms / 1000, '', undefined, 'no stack overflow', c.tasks === 100_000);
  },
  async lint() {
    console.log('lint: 100 files of 100 tasks');
    const dir = join(work, 'lint');
    mkdirSync(dir);
    for (let f = 0; f < 100; f++) writeFileSync(join(dir, `w${f}.yaml`), randomDag({ n: 100, seed: f }).text);
    const time = (args) => {
      const started = performance.now();
      spawnSync(process.execPath, [bin, ...args], { cwd: dir });
      return (performance.now() - started) / 1000;
    };
    const startup = median([1, 2, 3, 4, 5].map(() => time(['lint', 'w0.yaml'])));
    const all = median([1, 2, 3].map(() => time(['lint', '*.yaml'])));
    row('lint 100x100 beyond start-up (s)', all - startup, 'start-up + 1 file', startup, 'target well under 1 s', all - startup < 1);
  },
};

console.log(`orchestrate benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
for (const [name, section] of Object.entries(sections)) {
  if (only.length && !only.includes(name)) continue;
  await section();
  console.log('');
}
console.log('| measurement | value | baseline | ratio | target | met |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.measured.toFixed(3)} | ${r.baselineName ? `${r.baselineName}: ${r.baseline.toFixed(3)}` : ''} | ${r.ratio ? r.ratio.toFixed(2) : ''} | ${r.target} | ${r.ok ? 'yes' : 'NO'} |`);
}
