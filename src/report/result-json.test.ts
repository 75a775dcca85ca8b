import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../run/result.js';
import { runResult, taskResult } from '../run/test-helpers.js';
import { seededRandom } from '../util/random.js';
import { resultJson } from './result-json.js';

const task = taskResult;
const result = (tasks: TaskResult[]) => runResult(tasks);

describe('the result as JSON, in pieces', () => {
  it('is exactly what JSON.stringify(result, null, 2) writes, with a final newline', () => {
    const rnd = seededRandom(7);
    const text = () => Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(Math.floor(rnd() * 0x2fff))).join('');
    const cases = [
      result([]),
      result([task('a')]),
      result([task('a', { outputs: { k: 'v\nw', json: '{"a":[1,2]}' }, summary: '## Title\n\n- item\n', errors: [{ attempt: 1, kind: 'exit-code', message: 'exit 1' }] }), task('b[x,1]', { needs: ['a'], artifacts: ['dist/a.js'] })]),
      ...Array.from({ length: 20 }, () => result(Array.from({ length: 1 + Math.floor(rnd() * 5) }, (_, i) => task(`t${i}`, { outputs: { [text() || 'k']: text() }, summary: rnd() < 0.5 ? text() : undefined })))),
    ];
    for (const r of cases) expect([...resultJson(r)].join('')).toBe(`${JSON.stringify(r, null, 2)}\n`);
  });

  it('writes a result longer than a JavaScript string may be, which one JSON.stringify cannot', () => {
    // 400 tasks with 1 MB of outputs and a 1 MB summary each: ~800 million characters.
    const mb = 'x'.repeat(1024 * 1024);
    const big = result(Array.from({ length: 400 }, (_, i) => task(`t${i}`, { outputs: { text: mb }, summary: mb })));
    expect(() => JSON.stringify(big, null, 2)).toThrow(RangeError);
    let length = 0;
    let pieces = 0;
    let middle = '';
    for (const piece of resultJson(big)) {
      length += piece.length;
      if (++pieces === 201) middle = piece;
    }
    expect(pieces).toBe(402);
    expect(length).toBeGreaterThan(800 * 1024 * 1024);
    // Each task's piece is that task's JSON, after the comma that separates it from the one before.
    expect(JSON.parse(middle.replace(/^,\n/, ''))).toEqual(big.tasks[199]);
  }, 60_000);
});
