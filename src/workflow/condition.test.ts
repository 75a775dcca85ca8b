import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition, truthy } from './condition.js';
import type { TemplateRef } from './templates.js';

const values: Record<string, string> = {
  'inputs.target': 'production',
  'inputs.dry-run': 'false',
  'inputs.replicas': '3',
  'matrix.os': 'linux',
  'tasks.changes.outputs.docs': 'true',
  'tasks.build[linux,20].outputs.ok': 'yes',
  'env.CI': '',
};

function holds(source: string): boolean {
  const parsed = parseCondition(source);
  if (!parsed.condition) throw new Error(parsed.error);
  return evaluateCondition(parsed.condition, (ref: TemplateRef) => values[ref.text]);
}

describe('when conditions', () => {
  it('compare text, numbers as numbers, with &&, ||, ! and parentheses in the usual precedence', () => {
    expect(holds("inputs.target == 'production'")).toBe(true);
    expect(holds('inputs.target != "production"')).toBe(false);
    expect(holds('inputs.replicas == 3.0 && inputs.replicas != 4')).toBe(true);
    expect(holds("inputs.target == 'staging' || matrix.os == 'linux' && !inputs.dry-run")).toBe(true);
    expect(holds("(inputs.target == 'staging' || matrix.os == 'linux') && inputs.dry-run")).toBe(false);
    expect(holds('!!tasks.changes.outputs.docs')).toBe(true);
    expect(holds("tasks.build[linux,20].outputs.ok == 'yes'")).toBe(true);
    expect(holds('${{ env.CI }}')).toBe(false);
    expect(holds('${{ inputs.missing == "" }}')).toBe(true);
    expect(holds('true && !false')).toBe(true);
  });

  it('treat the empty string, false and 0 as false', () => {
    expect(['', 'false', '0', '0.0', ' 0'].map(truthy)).toEqual([false, false, false, false, false]);
    expect(['true', 'no', 'False', '1', ' '].map(truthy)).toEqual([true, true, true, true, true]);
  });

  it('list the references they read, with their text', () => {
    expect(parseCondition("tasks.a.outputs.k == inputs.x || matrix.m").refs).toEqual([
      { kind: 'task-output', task: 'a', key: 'k', text: 'tasks.a.outputs.k' },
      { kind: 'inputs', key: 'x', text: 'inputs.x' },
      { kind: 'matrix', key: 'm', text: 'matrix.m' },
    ]);
  });

  it('say what is wrong with one that does not parse', () => {
    const errors = ['', 'inputs.x ==', "inputs.x == 'a", '(inputs.x', 'inputs.x inputs.y', 'foo == 1', 'inputs.x = 1', ')'].map((s) => parseCondition(s).error);
    expect(errors).toEqual([
      'the condition is empty',
      'expected a value at the end',
      "unclosed string 'a",
      'expected ")" at the end',
      'expected &&, || or the end, found "inputs.y"',
      'unexpected "foo": use inputs.NAME, matrix.K, params.K, env.K, runner.K, tasks.ID.outputs.K, \'text\', numbers, true, false, ==, !=, &&, ||, ! and parentheses',
      'unexpected "=": use inputs.NAME, matrix.K, params.K, env.K, runner.K, tasks.ID.outputs.K, \'text\', numbers, true, false, ==, !=, &&, ||, ! and parentheses',
      'expected a value, found ")"',
    ]);
  });
});

describe('when conditions under random text (seeded fuzz)', () => {
  it('either parse or say why, never throw; a parsed one evaluates', async () => {
    const { seededRandom } = await import('../util/random.js');
    const rnd = seededRandom(41);
    const pieces = ['inputs.x', 'matrix.k', 'tasks.a.outputs.v', 'tasks.b[1,2].outputs.w', 'env.HOME', "'s'", '"t"', '1', '-2.5e3', 'true', 'false', '==', '!=', '&&', '||', '!', '(', ')', ' ', '${{', '}}', "'", '"', '=', 'x', '.', '[', ']', '\\', '\n', '#'];
    let parsed = 0;
    for (let round = 0; round < 5000; round++) {
      let text = '';
      for (let k = 1 + Math.floor(rnd() * 10); k > 0; k--) text += pieces[Math.floor(rnd() * pieces.length)];
      const result = parseCondition(text);
      if (result.condition) {
        parsed++;
        expect(typeof evaluateCondition(result.condition, () => (rnd() < 0.5 ? '' : 'v'))).toBe('boolean');
      } else {
        expect(result.error, text).toMatch(/\S/);
      }
    }
    expect(parsed).toBeGreaterThan(100);
  });
});
