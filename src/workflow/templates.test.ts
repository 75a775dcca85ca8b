import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition.js';
import { messages } from './test-helpers.js';
import { expansionsOutputAt, isJsonText, outputAt, parseTemplate, renderTemplate } from './templates.js';

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

  it('read a member of JSON Lines, as an LLM CLI streams them, at the last line that has it', () => {
    const stream = ['{"type":"system","session_id":"s1"}', '', '{"type":"assistant","message":{"text":"hm"}}', '{"type":"result","result":"approve","total_cost_usd":0.031}', ''].join('\n');
    expect(outputAt(stream, ['result'])).toBe('approve');
    expect(outputAt(stream, ['total_cost_usd'])).toBe('0.031');
    expect(outputAt(stream, ['type'])).toBe('result');
    expect(outputAt(stream, ['session_id'])).toBe('s1');
    expect(outputAt(stream, ['message', 'text'])).toBe('hm');
    expect(outputAt(stream, ['missing'])).toBe('');
    expect(isJsonText(stream)).toBe(true);
    // A line that is not JSON makes it text: no member of any line is read.
    const mixed = `Loading...\n${stream}`;
    expect(outputAt(mixed, ['result'])).toBe('');
    expect(isJsonText(mixed)).toBe(false);
    // One line is JSON or not, as ever.
    expect(isJsonText('{"a":1}')).toBe(true);
    expect(isJsonText('{"a":1')).toBe(false);
    expect(expansionsOutputAt([stream, '{"result":"reject"}'], ['result'])).toBe('["approve","reject"]');
  });

  it('read a whole matrix task\'s output as a list: each expansion\'s member at a path, or one expansion by its index', () => {
    const answers = [JSON.stringify({ verdict: 'approve', score: 0.9 }), JSON.stringify({ verdict: 'reject', score: 0.2, files: ['x.ts'] }), 'not json', ''];
    expect(expansionsOutputAt(answers)).toBe(JSON.stringify(answers));
    // Each one's member, as JSON: null where it has none.
    expect(expansionsOutputAt(answers, ['verdict'])).toBe('["approve","reject",null,null]');
    expect(expansionsOutputAt(answers, ['score'])).toBe('[0.9,0.2,null,null]');
    expect(expansionsOutputAt(answers, ['files'])).toBe('[null,["x.ts"],null,null]');
    expect(expansionsOutputAt(answers, ['files', '0'])).toBe('[null,"x.ts",null,null]');
    // An index first: that expansion's value, and its member at the rest of the path.
    expect(expansionsOutputAt(answers, ['1'])).toBe(answers[1]);
    expect(expansionsOutputAt(answers, ['1', 'verdict'])).toBe('reject');
    expect(expansionsOutputAt(answers, ['2'])).toBe('not json');
    expect(expansionsOutputAt(answers, ['2', 'verdict'])).toBe('');
    expect(expansionsOutputAt(answers, ['9'])).toBe('');
    expect(expansionsOutputAt([], ['verdict'])).toBe('[]');
  });
});

describe('a string in a template', () => {
  it('writes what a template would read as text: ${{ \'${{\' }}, with \'\' for a quote, when the text is filled', () => {
    expect(parseTemplate("${{ '${{' }} github.sha }} and ${{ 'it''s' }}")).toEqual({
      refs: [{ kind: 'literal', value: '${{', text: "${{ '${{' }}" }, { kind: 'literal', value: "it's", text: "${{ 'it''s' }}" }],
      errors: [],
    });
    const fill = (ref: ReturnType<typeof parseTemplate>['refs'][number]) => (ref.kind === 'literal' ? ref.value : undefined);
    expect(renderTemplate("Explain ${{ '${{' }} github.sha }}: ${{ '' }}done", fill)).toBe('Explain ${{ github.sha }}: done');
    // Filled at load, it stays as written: the run fills it, last.
    expect(renderTemplate("${{ '${{' }} x }}", () => undefined)).toBe("${{ '${{' }} x }}");
    expect(parseTemplate("${{ 'unclosed }}").errors).toHaveLength(1);
  });

  it('is refused where the text is used before anything runs: sources, and the cwd they are relative to', () => {
    expect(messages("version: 1\ntasks:\n  c: { run: x, sources: [\"${{ 'src' }}\"] }\n")).toEqual([
      "task \"c\": its sources are fingerprinted before anything runs, so ${{ 'src' }} cannot be used there: use matrix, params or inputs templates",
    ]);
  });
});

describe('an expression no template reads', () => {
  const message = (text: string) => parseTemplate(text).errors.map((e) => e.message);

  it('names the one it stands for: GitHub Actions\' contexts and near misses', () => {
    expect(message('${{ needs.build.outputs.version }}')).toEqual(['unknown template expression "needs.build.outputs.version" (did you mean "tasks.build.outputs.version"?)']);
    expect(message('${{ steps.lint.outputs.count }}')).toEqual(['unknown template expression "steps.lint.outputs.count" (did you mean "tasks.lint.outputs.count"?)']);
    expect(message('${{ needs.deploy.result }}')).toEqual(['unknown template expression "needs.deploy.result" (did you mean "tasks.deploy.status"?)']);
    expect(message('${{ tasks.build.output.v }}')).toEqual(['unknown template expression "tasks.build.output.v" (did you mean "tasks.build.outputs.v"?)']);
    expect(message('${{ input.target }}')).toEqual(['unknown template expression "input.target" (did you mean "inputs.target"?)']);
    expect(message('${{ Inputs.target }}')).toEqual(['unknown template expression "Inputs.target" (did you mean "inputs.target"?)']);
    expect(message('${{ vars.REGION }}')).toEqual(['unknown template expression "vars.REGION" (did you mean "env.REGION"?)']);
    expect(message('${{ secrets.TOKEN }}')).toEqual(['unknown template expression "secrets.TOKEN" (did you mean "env.TOKEN"?): a secret reaches a task as an environment variable (name it under `secrets` to mask it)']);
    expect(message('${{ github.sha }}')).toEqual(['unknown template expression "github.sha" (did you mean "env.GITHUB_SHA"?): GitHub Actions gives a job\'s steps its github context as GITHUB_* variables, which a run inside one has']);
    expect(message('${{ github.base_ref }}')[0]).toContain('(did you mean "env.GITHUB_BASE_REF"?)');
  });

  it('lists what templates read when nothing stands for it', () => {
    const list = ': use tasks.ID.outputs.KEY, tasks.ID.status, matrix.KEY, env.KEY, params.KEY, inputs.NAME, runner.KEY, or a string in single quotes (${{ \'${{\' }} writes ${{)';
    // The event's payload is no variable (GITHUB_EVENT_PATH is its file), and the token reaches a step only when given it.
    expect(message('${{ github.token }}')).toEqual([`unknown template expression "github.token"${list}`]);
    expect(message('${{ github.event.pull_request.title }}')).toEqual([`unknown template expression "github.event.pull_request.title"${list}`]);
    expect(message('${{ tasks.a.statuz }}')).toEqual([`unknown template expression "tasks.a.statuz"${list}`]);
    expect(message('${{ input }}')).toEqual([`unknown template expression "input"${list}`]);
  });
});
