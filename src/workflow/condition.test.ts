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

  it('say a condition nested thousands deep is too deep, and take one nested a hundred deep', () => {
    for (const deep of [`${'('.repeat(20_000)}1 == 1${')'.repeat(20_000)}`, `${'!'.repeat(50_000)}true`]) {
      expect(parseCondition(deep).error).toBe('it is nested too deeply (thousands of parentheses or `!`)');
    }
    expect(parseCondition(`${'('.repeat(100)}1 == 1${')'.repeat(100)}`).error).toBeUndefined();
  });

  it('name the reference a misspelt one stands for', () => {
    expect(parseCondition("input.target == 'x'").error).toBe('unexpected "input.target" (did you mean "inputs.target"?)');
    expect(parseCondition("needs.build.result == 'success'").error).toBe('unexpected "needs.build.result" (did you mean "tasks.build.status"?)');
    expect(parseCondition('github.ref == 1').error).toMatch(/^unexpected "github\.ref" \(did you mean "env\.GITHUB_REF"\?\): GitHub Actions gives/);
    expect(parseCondition('github.event.action == 1').error).toMatch(/^unexpected "github\.event\.action": use inputs\.NAME/);
  });

  it('compare text ignoring case with == and !=, as GitHub Actions does', () => {
    expect(holds("inputs.target == 'Production'")).toBe(true);
    expect(holds("matrix.os != 'LINUX'")).toBe(false);
    expect(holds("matrix.os == 'linux2'")).toBe(false);
    // Not only ASCII.
    values['inputs.city'] = 'Überlingen';
    expect(holds("inputs.city == 'überlingen'")).toBe(true);
  });

  it('order numbers with <, <=, >, >=, and are false when a side is not a number (as GitHub Actions)', () => {
    values['tasks.eval.outputs.score'] = '0.82';
    expect(holds('tasks.eval.outputs.score >= 0.8')).toBe(true);
    expect(holds('tasks.eval.outputs.score > 0.82 || inputs.replicas < 3')).toBe(false);
    expect(holds('inputs.replicas <= 3 && inputs.replicas >= 3 && 10 > 9')).toBe(true);
    // Text is not ordered: "10" < "9" as text would be true.
    expect(holds("inputs.target > 'a'")).toBe(false);
    expect(holds("inputs.target < 'z'")).toBe(false);
    expect(holds('inputs.missing < 1')).toBe(false);
    expect(holds('!(tasks.eval.outputs.score < 0.5) == true')).toBe(true);
  });

  it('call contains, startsWith and endsWith case-insensitively, contains also on a JSON list', () => {
    values['tasks.find.outputs.labels'] = '["Bug", "docs", 3]';
    values['env.BRANCH'] = 'Release/1.4';
    expect(holds("contains(tasks.find.outputs.labels, 'bug')")).toBe(true);
    // An item of the list, not a part of one.
    expect(holds("contains(tasks.find.outputs.labels, 'doc')")).toBe(false);
    expect(holds('contains(tasks.find.outputs.labels, 3)')).toBe(true);
    expect(holds("contains(inputs.target, 'DUCT')")).toBe(true);
    expect(holds("startsWith(env.BRANCH, 'release/') && !endsWith(env.BRANCH, '-rc')")).toBe(true);
    expect(holds("contains(inputs.target, matrix.os) || endsWith(matrix.os, 'ux')")).toBe(true);
    expect(holds("contains('[not json', 'NOT')")).toBe(true);
    expect(parseCondition("contains(inputs.x)").error).toBe('expected "," and a second argument of contains, found ")"');
    expect(parseCondition("startsWith(inputs.x, 'a', 'b')").error).toBe('expected ")" after the two arguments of startsWith, found ","');
    // A function name that is not called is not a value.
    expect(parseCondition('contains == 1').error).toMatch(/^unexpected "contains"/);
    expect(parseCondition("contains(inputs.x, 'a')").refs.map((r) => r.text)).toEqual(['inputs.x']);
  });

  it("take a doubled quote inside a string for the quote itself, as GitHub Actions does ('It''s')", () => {
    values['inputs.title'] = `It's "open"`;
    expect(holds(`inputs.title == 'It''s "open"'`)).toBe(true);
    expect(holds(`inputs.title == "It's ""open"""`)).toBe(true);
    expect(holds(`contains(inputs.title, '''') && '' == inputs.missing`)).toBe(true);
    expect(holds(`inputs.title == 'It''s' || 'a''' == 'a'`)).toBe(false);
    expect(parseCondition(`inputs.title == 'It''s`).error).toBe(`unclosed string 'It''s`);
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
      'unexpected "foo": use inputs.NAME, matrix.K, params.K, env.K, runner.K, tasks.ID.outputs.K, \'text\', numbers, true, false, ==, !=, <, <=, >, >=, &&, ||, !, parentheses, contains(a, b), startsWith(a, b) and endsWith(a, b)',
      'unexpected "=": use inputs.NAME, matrix.K, params.K, env.K, runner.K, tasks.ID.outputs.K, \'text\', numbers, true, false, ==, !=, <, <=, >, >=, &&, ||, !, parentheses, contains(a, b), startsWith(a, b) and endsWith(a, b)',
      'expected a value, found ")"',
    ]);
  });
});

describe('when conditions under random text (seeded fuzz)', () => {
  it('either parse or say why, never throw; a parsed one evaluates', async () => {
    const { seededRandom } = await import('../util/random.js');
    const rnd = seededRandom(41);
    const pieces = ['inputs.x', 'matrix.k', 'tasks.a.outputs.v', 'tasks.b[1,2].outputs.w', 'env.HOME', "'s'", '"t"', '1', '-2.5e3', 'true', 'false', '==', '!=', '<', '>=', '&&', '||', '!', '(', ')', ',', 'contains(', 'startsWith', ' ', '${{', '}}', "'", '"', '=', 'x', '.', '[', ']', '\\', '\n', '#'];
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
