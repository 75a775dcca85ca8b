import { describe, expect, it } from 'vitest';
import { codes, load } from './test-helpers.js';

describe('template references', () => {
  it('accepts outputs of ancestors, direct or not', () => {
    expect(codes('version: 1\ntasks:\n  a: { run: x }\n  b: { run: x, needs: a }\n  c: { needs: b, run: "echo ${{ tasks.a.outputs.k }} ${{ env.HOME }}" }\n')).toEqual([]);
  });
  it('points at each bad template inside the string', () => {
    const text = 'version: 1\ntasks:\n  a: { run: x }\n  b:\n    run: echo ${{ tasks.a.outputs.x }} ${{ matrix.f }} ${{ params.p }} ${{ bogus }} ${{ tasks.zz.outputs.y }}\n';
    expect(codes(text)).toEqual(['unknown-reference@5:15', 'unknown-reference@5:40', 'unknown-reference@5:56', 'bad-template@5:72', 'unknown-reference@5:85']);
  });
  it('does not take what every object inherits for a param, matrix key or input', () => {
    const text = 'version: 1\ninputs: { a: {} }\nagents: { w: { command: cat } }\ntasks:\n  t:\n    agent: w\n    params: { x: 1 }\n    matrix: { k: [1] }\n    prompt: "${{ params.toString }} ${{ params.__proto__ }} ${{ matrix.constructor }} ${{ inputs.hasOwnProperty }}"\n';
    expect(codes(text)).toEqual(['unknown-reference@9:14', 'unknown-reference@9:37', 'unknown-reference@9:61', 'unknown-reference@9:87']);
  });
  it('reports an unknown matrix key and an unclosed template', () => {
    expect(codes('version: 1\ntasks:\n  m:\n    matrix: { f: [x] }\n    run: echo ${{ matrix.g }}\n  u:\n    run: echo "${{ oops"\n'))
      .toEqual(['unknown-reference@5:15', 'bad-template@7:16']);
  });
  it('lets a task that needs a whole matrix read its outputs (as a list), and asks the others for one expansion', () => {
    expect(codes('version: 1\ntasks:\n  m: { matrix: { f: [x, y] }, run: x }\n  n: { needs: m, run: "echo ${{ tasks.m.outputs.k }}" }\n')).toEqual([]);
    const d = load('version: 1\ntasks:\n  m: { matrix: { f: [x, y] }, run: x }\n  n: { needs: "m[y]", run: "echo ${{ tasks.m.outputs.k }}" }\n').diagnostics;
    expect(d.find((x) => x.code === 'unknown-reference')!.message).toContain('name one expansion, e.g. "m[x]"');
  });
  it('accepts an expansion whose matrix value contains "]"', () => {
    expect(codes('version: 1\ntasks:\n  m: { matrix: { f: ["a]b", c] }, run: x }\n  n: { needs: m, run: "echo ${{ tasks.m[a]b].outputs.k }}" }\n')).toEqual([]);
  });
});
