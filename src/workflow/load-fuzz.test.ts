import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { loadConfig } from './load-config.js';
import { load } from './test-helpers.js';
import { loadWorkflowText } from './load.js';
import { planWorkflow } from '../plan/plan.js';

// Bad input never crashes: mutated copies of the example workflows (characters
// dropped, doubled or replaced, lines swapped or cut) load without throwing, and
// every problem has a known code and a position inside the file.
const examplesDir = fileURLToPath(new URL('../../workflows', import.meta.url));
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(examplesDir, f), 'utf8'));
const NOISE = ['', ' ', '\t', '\n', ':', '-', '{', '}', '[', ']', '"', "'", '#', '&a', '*a', '!!str', '${{', '}}', '\u0000', '\u00e9', '0', 'null', 'tasks', 'needs', '  '];

function mutate(text: string, rnd: () => number): string {
  let out = text;
  for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
    const at = Math.floor(rnd() * (out.length + 1));
    const kind = Math.floor(rnd() * 5);
    if (kind === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 8));
    else if (kind === 1) out = out.slice(0, at) + NOISE[Math.floor(rnd() * NOISE.length)] + out.slice(at);
    else if (kind === 2) out = out.slice(0, at) + out.slice(at, at + 10) + out.slice(at);
    else if (kind === 3) {
      const lines = out.split('\n');
      const a = Math.floor(rnd() * lines.length);
      const b = Math.floor(rnd() * lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      out = lines.join('\n');
    } else out = out.slice(0, at);
  }
  return out;
}

describe('loading mutated workflows (seeded fuzz)', () => {
  it('never throws, and gives every problem a known code and a position in the file', () => {
    const rnd = seededRandom(17);
    let invalid = 0;
    for (let round = 0; round < 1500; round++) {
      const text = mutate(examples[round % examples.length]!, rnd);
      const lines = text.split('\n');
      let result;
      try {
        result = load(text);
      } catch (error) {
        throw new Error(`threw ${(error as Error).stack}\n--- input:\n${text}`);
      }
      if (!result.workflow) invalid++;
      for (const d of result.diagnostics) {
        expect(Object.keys(DIAGNOSTIC_CODES), `${d.code}: ${d.message}`).toContain(d.code);
        expect(d.message.length).toBeGreaterThan(0);
        expect(d.position, `${d.code} has no position: ${d.message}`).toBeDefined();
        expect(d.position!.line, `${d.code} line`).toBeGreaterThanOrEqual(1);
        expect(d.position!.line, `${d.code} line past the end:\n${text}`).toBeLessThanOrEqual(lines.length);
        expect(d.position!.column).toBeGreaterThanOrEqual(1);
      }
    }
    // The mutations do break files (most of them), so the checks above saw real diagnostics.
    expect(invalid).toBeGreaterThan(500);
  });
});

// Whole lines changed as a user would get them wrong: a key's value replaced
// by a value of another kind (a list, a number, a path too long for the
// system), a key renamed or added, a line repeated, dropped or moved. Loaded
// where they are, so includes, prompt files and dotenv files are read; a
// workflow that loads is planned.
const VALUES = ['null', '[]', '{}', '0', '-1', '1e309', '""', 'x', 'true', '"${{ }}"', '"${{ tasks.a.outputs }}"', '"${{ inputs.nope }}"', 'a'.repeat(300), 'hello.yaml/x', '[a, b, a]', '{a: [1, 2]}', '.inf', '"1h1h"', '[[1]]', '"/"', '"../.."', '{ include: [{}] }'];
const KEYS = ['needs', 'matrix', 'retry', 'timeout', 'if', 'when', 'priority', 'resources', 'cwd', 'env', 'cost', 'sources', 'artifacts', 'approval', 'agent', 'run', 'prompt', 'promptFile', 'params', 'captureStdout', 'outputSchema', 'memoize', 'maxParallel', 'shell', 'onKinds', 'include', 'exclude', 'exclusive', 'with', 'path', 'inputs', 'default', 'dotenv', 'secrets'];

function mutateLines(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
    const i = Math.floor(rnd() * lines.length);
    const line = lines[i]!;
    const kind = Math.floor(rnd() * 5);
    if (kind === 0 && /:\s*\S/.test(line)) lines[i] = line.replace(/:\s*(.*)$/, `: ${pick(VALUES)}`);
    else if (kind === 1) lines.splice(i + 1, 0, `${line.match(/^\s*/)![0]}${pick(KEYS)}: ${pick(VALUES)}`);
    else if (kind === 2 && /^\s*[\w.-]+:/.test(line)) lines[i] = line.replace(/^(\s*)[\w.-]+:/, `$1${pick(KEYS)}:`);
    else if (kind === 3) lines.splice(i, 0, line);
    else lines.splice(i, 1);
  }
  return lines.join('\n');
}

describe('loading workflows with lines gone wrong (seeded fuzz)', () => {
  it('never throws, places every problem, and plans what loads', () => {
    const rnd = seededRandom(41);
    let loaded = 0;
    for (let round = 0; round < 1500; round++) {
      const text = mutateLines(examples[round % examples.length]!, rnd);
      try {
        const result = loadWorkflowText(text, join(examplesDir, `fuzz-${round}.yaml`));
        for (const d of result.diagnostics) expect(d.position, `${d.code} has no position: ${d.message}`).toBeDefined();
        if (result.workflow) {
          loaded++;
          planWorkflow(result.workflow, { concurrency: 1 + (round % 8) });
        }
      } catch (error) {
        throw new Error(`threw ${(error as Error).stack}\n--- input:\n${text}`);
      }
    }
    // Some mutations leave a valid workflow, so planning was exercised too.
    expect(loaded).toBeGreaterThan(50);
  });
});

describe('loading mutated config files (seeded fuzz)', () => {
  it('never throws, and gives every problem a known code and a position in the file', async () => {
    const config = 'policy:\n  maxConcurrency: 4\n  retry: { maxAttempts: 2, delay: 1s }\n  taskTimeout: 10m\nagents:\n  reviewer: { command: ./review.sh, concurrency: 2, timeout: 5m }\nresources: { gpu: 1 }\nsecretPatterns: ["*TOKEN*", "*KEY*"]\nstate: .orchestrate/state.db\n';
    const dir = mkdtempSync(join(tmpdir(), 'config-fuzz-'));
    const rnd = seededRandom(29);
    for (let round = 0; round < 300; round++) {
      const text = mutate(config, rnd);
      const file = join(dir, `c${round}.yaml`);
      writeFileSync(file, text);
      let loaded;
      try {
        loaded = await loadConfig(dir, file);
      } catch (error) {
        throw new Error(`threw ${(error as Error).stack}\n--- input:\n${text}`);
      }
      const lines = text.split('\n').length;
      for (const d of loaded.diagnostics) {
        expect(Object.keys(DIAGNOSTIC_CODES), `${d.code}: ${d.message}`).toContain(d.code);
        if (d.position) expect(d.position.line, `${d.code} line past the end:\n${text}`).toBeLessThanOrEqual(lines);
      }
    }
  });
});
