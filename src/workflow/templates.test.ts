import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition.js';
import { outputAt, parseTemplate } from './templates.js';

describe('templates of outputs', () => {
  it('parse a path after the output key, and task ids with dots or matrix values', () => {
    expect(parseTemplate('${{ tasks.review.outputs.result.verdict }}').refs).toEqual([{ kind: 'task-output', task: 'review', key: 'result', path: ['verdict'], text: '${{ tasks.review.outputs.result.verdict }}' }]);
    expect(parseTemplate('${{ tasks.a.b.outputs.c }}').refs[0]).toMatchObject({ task: 'a.b', key: 'c' });
    expect(parseTemplate('${{ tasks.build[linux].outputs.files.0 }}').refs[0]).toMatchObject({ task: 'build[linux]', key: 'files', path: ['0'] });
    expect(parseTemplate('${{ tasks.a.outputs.k }}').refs[0]).not.toHaveProperty('path');
  });

  it('parse a task\'s status, also of a task with dots or matrix values in its id; an output named status stays an output', () => {
    expect(parseTemplate('${{ tasks.docs.build.status }}').refs).toEqual([{ kind: 'task-status', task: 'docs.build', text: '${{ tasks.docs.build.status }}' }]);
    expect(parseTemplate('${{ tasks.build[linux].status }}').refs[0]).toMatchObject({ kind: 'task-status', task: 'build[linux]' });
    expect(parseTemplate('${{ tasks.a.outputs.status }}').refs[0]).toMatchObject({ kind: 'task-output', task: 'a', key: 'status' });
    expect(parseCondition("tasks.docs.build.status == 'failed' && tasks.a.outputs.status == 'x'").refs.map((r) => r.kind)).toEqual(['task-status', 'task-output']);
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
