import { describe, expect, it } from 'vitest';
import { outputAt, parseTemplate } from './templates.js';

describe('templates of outputs', () => {
  it('parse a path after the output key, and task ids with dots or matrix values', () => {
    expect(parseTemplate('${{ tasks.review.outputs.result.verdict }}').refs).toEqual([{ kind: 'task-output', task: 'review', key: 'result', path: ['verdict'], text: '${{ tasks.review.outputs.result.verdict }}' }]);
    expect(parseTemplate('${{ tasks.a.b.outputs.c }}').refs[0]).toMatchObject({ task: 'a.b', key: 'c' });
    expect(parseTemplate('${{ tasks.build[linux].outputs.files.0 }}').refs[0]).toMatchObject({ task: 'build[linux]', key: 'files', path: ['0'] });
    expect(parseTemplate('${{ tasks.a.outputs.k }}').refs[0]).not.toHaveProperty('path');
  });

  it('take the member at a path of an output read as JSON: text as it is, the rest as JSON, else empty', () => {
    const answer = JSON.stringify({ verdict: 'approve', score: 0.9, files: ['a.ts', 'b.ts'], nested: { ok: true, none: null } });
    expect(outputAt(answer, ['verdict'])).toBe('approve');
    expect(outputAt(answer, ['score'])).toBe('0.9');
    expect(outputAt(answer, ['files'])).toBe('["a.ts","b.ts"]');
    expect(outputAt(answer, ['files', '1'])).toBe('b.ts');
    expect(outputAt(answer, ['nested', 'ok'])).toBe('true');
    expect(outputAt(answer, ['nested'])).toBe('{"ok":true,"none":null}');
    for (const path of [['nested', 'none'], ['missing'], ['files', '9'], ['verdict', 'x'], ['files', 'length']]) expect(outputAt(answer, path), path.join('.')).toBe('');
    expect(outputAt('not json', ['verdict'])).toBe('');
    expect(outputAt('plain text', undefined)).toBe('plain text');
  });
});
