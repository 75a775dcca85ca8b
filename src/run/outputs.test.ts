import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { outputsMalformed, parseOutputs } from './outputs.js';

describe('parseOutputs', () => {
  it('reads key=value and multi-line key<<EOF blocks', () => {
    const { outputs, problems } = parseOutputs('path=out/spec.md\nnotes<<EOF\nline one\nline = two\nEOF\ncost=0.25\nempty=\n');
    expect(outputs).toEqual({ path: 'out/spec.md', notes: 'line one\nline = two', cost: '0.25', empty: '' });
    expect(problems).toEqual([]);
  });
  it('keeps every key a task writes as its own, and has no others', () => {
    const { outputs } = parseOutputs('__proto__=p\nconstructor<<EOF\nc\nEOF\n');
    expect(Object.keys(outputs)).toEqual(['__proto__', 'constructor']);
    expect(outputs.__proto__).toBe('p');
    expect(JSON.parse(JSON.stringify(outputs))).toEqual(JSON.parse('{"__proto__":"p","constructor":"c"}'));
    expect(parseOutputs('k=v\n').outputs.toString).toBeUndefined();
  });
  it('reports malformed lines and unclosed blocks with their line numbers', () => {
    const { problems } = parseOutputs('ok=1\ngarbage\nx<<END\nabc\n');
    expect(problems).toEqual(['line 2: "garbage" is neither key=value nor key<<DELIMITER', 'line 3: output "x" has no closing delimiter "END"']);
    expect(outputsMalformed(problems)).toBe('invalid outputs file: line 2: "garbage" is neither key=value nor key<<DELIMITER (and 1 more)');
  });
  it('reads back whatever a task writes in the convention (seeded fuzz)', () => {
    const rnd = seededRandom(3);
    const chars = 'ab =<>\n"\'$EOF';
    for (let round = 0; round < 500; round++) {
      const written: Record<string, string> = {};
      for (let k = Math.floor(rnd() * 5); k > 0; k--) {
        written[`k${Math.floor(rnd() * 4)}_${k}`] = Array.from({ length: Math.floor(rnd() * 12) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
      }
      const file = Object.entries(written).map(([key, value]) => {
        if (!value.includes('\n')) return `${key}=${value}\n`;
        let delimiter = 'EOF';
        while (value.split('\n').includes(delimiter)) delimiter += '_';
        return `${key}<<${delimiter}\n${value}\n${delimiter}\n`;
      }).join('');
      const parsed = parseOutputs(file);
      expect(parsed.problems, JSON.stringify(file)).toEqual([]);
      expect(parsed.outputs, JSON.stringify(file)).toEqual(written);
    }
  });
  it('lets a later value win', () => {
    expect(parseOutputs('a=1\na=2\n').outputs).toEqual({ a: '2' });
  });
});
