import { describe, expect, it } from 'vitest';
import { schemaValues, unknownMember } from './output-member.js';
import { codes, messages } from './test-helpers.js';

const answer = {
  type: 'object',
  required: ['verdict'],
  properties: { verdict: { enum: ['approve', 'reject'] }, files: { type: 'array', items: { type: 'object', properties: { path: {}, line: {} }, additionalProperties: false } } },
};

describe('unknownMember', () => {
  it('names a member the schema does not know when it knows one of a near spelling, or allows no other', () => {
    expect(unknownMember(answer, ['verdcit'])).toEqual({ member: 'verdcit', known: ['verdict', 'files'], meant: 'verdict' });
    expect(unknownMember(answer, ['files', '0', 'paht'])).toMatchObject({ member: 'paht', meant: 'path' });
    expect(unknownMember(answer, ['files', '2', 'column'])).toEqual({ member: 'column', known: ['path', 'line'] });
  });

  it('says nothing where the schema may allow it or says nothing of it', () => {
    for (const path of [['verdict'], ['files'], ['files', '0', 'path'], ['extra'], ['verdict', 'x']]) expect(unknownMember(answer, path), path.join('.')).toBeUndefined();
    expect(unknownMember(undefined, ['verdict'])).toBeUndefined();
    expect(unknownMember({ type: 'object' }, ['anything'])).toBeUndefined();
    // Required names count as known.
    expect(unknownMember({ type: 'object', required: ['verdict'] }, ['verdikt'])).toMatchObject({ meant: 'verdict' });
  });
});

describe('unknown-output-member', () => {
  const workflow = (reads: string) => `version: 1
agents:
  llm: { command: cat, captureStdout: answer, outputSchema: { answer: { type: object, required: [verdict, score] } } }
tasks:
  one: { agent: llm, prompt: x }
  many: { agent: llm, prompt: x, matrix: { f: [a, b] } }
  use: { needs: [one, many], run: "true", ${reads} }
`;

  it('warns at the template or condition, for one task, a whole matrix (each, or one by its index) and an expansion', () => {
    expect(codes(workflow('env: { A: "${{ tasks.one.outputs.answer.verdcit }}" }'))).toEqual(['unknown-output-member@7:54']);
    expect(codes(workflow('env: { A: "${{ tasks.many.outputs.answer.scor }}" }'))).toEqual(['unknown-output-member@7:54']);
    expect(codes(workflow('env: { A: "${{ tasks.many.outputs.answer.1.scor }}" }'))).toEqual(['unknown-output-member@7:54']);
    expect(codes(workflow('env: { A: "${{ tasks.many[b].outputs.answer.scor }}" }'))).toEqual(['unknown-output-member@7:54']);
    expect(codes(workflow('when: "tasks.one.outputs.answer.score > 0.5 && tasks.one.outputs.answer.verdikt == \'ok\'"'))).toEqual(['unknown-output-member@7:90']);
    expect(messages(workflow('env: { A: "${{ tasks.one.outputs.answer.verdcit }}" }'))).toEqual([
      'task "use" uses ${{ tasks.one.outputs.answer.verdcit }}, but the outputSchema of "one" for "answer" has no member "verdcit" (did you mean "verdict"?), so it would read empty',
    ]);
  });

  it('says nothing of members the schema has, of an output it has no schema for, or of a reference that is an error already', () => {
    expect(codes(workflow('env: { A: "${{ tasks.one.outputs.answer.verdict }}${{ tasks.many.outputs.answer.1.score }}${{ tasks.one.outputs.other.x }}" }'))).toEqual([]);
    expect(codes(workflow('env: { A: "${{ tasks.nope.outputs.answer.verdcit }}" }'))).toEqual(['unknown-reference@7:54']);
  });
});

describe('schemaValues', () => {
  it('lists the values an enum, a const or a boolean allows, at a path too', () => {
    expect(schemaValues(answer, ['verdict'])).toEqual(['approve', 'reject']);
    expect(schemaValues({ enum: [1, 2.5, true, null] })).toEqual(['1', '2.5', 'true', '']);
    expect(schemaValues({ const: 'done' })).toEqual(['done']);
    expect(schemaValues({ type: 'boolean' })).toEqual(['true', 'false']);
    expect(schemaValues({ type: 'array', items: { enum: ['a', 'b'] } }, ['3'])).toEqual(['a', 'b']);
  });

  it('says nothing where the schema does not list them', () => {
    for (const schema of [undefined, {}, { type: 'string' }, { enum: [{ a: 1 }] }, { enum: [] }]) expect(schemaValues(schema), JSON.stringify(schema)).toBeUndefined();
    expect(schemaValues(answer, ['files'])).toBeUndefined();
    expect(schemaValues(answer, ['missing'])).toBeUndefined();
  });
});

describe('not-an-option on outputs', () => {
  const workflow = (when: string) => `version: 1
agents:
  llm: { command: cat, captureStdout: answer, outputSchema: { answer: { type: object, properties: { verdict: { enum: [approve, reject] } } }, ok: { type: boolean } } }
tasks:
  one: { agent: llm, prompt: x }
  many: { agent: llm, prompt: x, matrix: { f: [a, b] } }
  use: { needs: [one, many], run: "true", when: "${when}" }
`;

  it('warns where a condition compares an output with a value its outputSchema never allows', () => {
    expect(codes(workflow("tasks.one.outputs.answer.verdict == 'approved'"))).toEqual(['not-an-option@7:49']);
    expect(codes(workflow("tasks.many.outputs.answer.0.verdict != 'yes'"))).toEqual(['not-an-option@7:49']);
    expect(codes(workflow("tasks.many[b].outputs.ok == 'yes'"))).toEqual(['not-an-option@7:49']);
    expect(messages(workflow("tasks.one.outputs.answer.verdict == 'approved'"))).toEqual([
      "task \"use\": its `when` compares tasks.one.outputs.answer.verdict with 'approved', which is none of the values it can have ('approve', 'reject'), so `==` is always false",
    ]);
  });

  it('says nothing of values it allows, or of a whole matrix\'s list', () => {
    expect(codes(workflow("tasks.one.outputs.answer.verdict == 'Approve' && tasks.many[a].outputs.ok == 'false'"))).toEqual([]);
    expect(codes(workflow("tasks.many.outputs.answer.verdict == 'approved'"))).toEqual([]);
  });
});
