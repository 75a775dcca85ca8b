import { describe, expect, it } from 'vitest';
import { codes } from './test-helpers.js';

describe('warnings', () => {
  it('warns when an agent allows more than the explicit global limit', () => {
    expect(codes('version: 1\npolicy: { maxConcurrency: 2 }\nagents: { w: { command: x, concurrency: 4 } }\ntasks:\n  a: { agent: w }\n'))
      .toEqual(['concurrency-above-limit@3:41']);
    expect(codes('version: 1\nagents: { w: { command: x, concurrency: 400 } }\ntasks:\n  a: { agent: w }\n')).toEqual([]);
  });
  it('warns about one artifact from tasks that may run together, not from ordered ones', () => {
    // c runs after b but may run beside a.
    expect(codes('version: 1\ntasks:\n  a: { run: x, artifacts: [out.txt] }\n  b: { run: x, artifacts: [out.txt] }\n  c: { run: x, needs: b, artifacts: [out.txt] }\n'))
      .toEqual(['artifact-conflict@4:28', 'artifact-conflict@5:38']);
    expect(codes('version: 1\ntasks:\n  a: { run: x, artifacts: [out.txt] }\n  b: { run: x, needs: a, artifacts: [out.txt] }\n')).toEqual([]);
    expect(codes('version: 1\ntasks:\n  m: { run: x, matrix: { f: [1, 2] }, artifacts: ["r-${{ matrix.f }}.txt"] }\n')).toEqual([]);
  });
});
