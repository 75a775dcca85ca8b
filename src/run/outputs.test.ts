import { describe, expect, it } from 'vitest';
import { parseOutputs } from './outputs.js';

describe('parseOutputs', () => {
  it('reads key=value and multi-line key<<EOF blocks', () => {
    const { outputs, problems } = parseOutputs('path=out/spec.md\nnotes<<EOF\nline one\nline = two\nEOF\ncost=0.25\nempty=\n');
    expect(outputs).toEqual({ path: 'out/spec.md', notes: 'line one\nline = two', cost: '0.25', empty: '' });
    expect(problems).toEqual([]);
  });
  it('reports malformed lines and unclosed blocks', () => {
    const { outputs, problems } = parseOutputs('garbage\nx<<END\nabc\n');
    expect(outputs).toEqual({ x: 'abc\n' });
    expect(problems).toHaveLength(2);
  });
  it('lets a later value win', () => {
    expect(parseOutputs('a=1\na=2\n').outputs).toEqual({ a: '2' });
  });
});
