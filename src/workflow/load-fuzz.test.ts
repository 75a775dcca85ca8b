import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { DIAGNOSTIC_CODES } from './diagnostic-codes.js';
import { loadConfig } from './load-config.js';
import { load } from './test-helpers.js';

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
