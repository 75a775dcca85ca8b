import { describe, expect, it } from 'vitest';
import { outputsMalformed, parseOutputs } from './outputs.js';

describe('parseOutputs', () => {
  it('reads key=value and multi-line key<<EOF blocks', () => {
    const { outputs, problems } = parseOutputs('path=out/spec.md\nnotes<<EOF\nline one\nline = two\nEOF\ncost=0.25\nempty=\n');
    expect(outputs).toEqual({ path: 'out/spec.md', notes: 'line one\nline = two', cost: '0.25', empty: '' });
    expect(problems).toEqual([]);
  });
  it('reports malformed lines and unclosed blocks with their line numbers', () => {
    const { problems } = parseOutputs('ok=1\ngarbage\nx<<END\nabc\n');
    expect(problems).toEqual(['line 2: "garbage" is neither key=value nor key<<DELIMITER', 'line 3: output "x" has no closing delimiter "END"']);
    expect(outputsMalformed(problems)).toBe('invalid outputs file: line 2: "garbage" is neither key=value nor key<<DELIMITER (and 1 more)');
  });
  it('lets a later value win', () => {
    expect(parseOutputs('a=1\na=2\n').outputs).toEqual({ a: '2' });
  });
});
