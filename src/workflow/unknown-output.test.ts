import { describe, expect, it } from 'vitest';
import { codes, messages } from './test-helpers.js';

const workflow = (uses: string, build = 'echo "version=1.2" >> "$ORCHESTRATE_OUTPUT"') => `version: 1
agents:
  llm: { command: cat, captureStdout: answer }
tasks:
  build: { run: '${build}' }
  review: { agent: llm, prompt: hi, matrix: { f: [a, b] }, outputSchema: { score: { type: integer } } }
  deploy: { needs: [build, review], ${uses} }
`;

describe('unknown-output', () => {
  it('names an output a task is seen to set, of a near spelling, for one it is not: in templates and conditions, of a task or a whole matrix', () => {
    expect(messages(workflow('run: "echo ${{ tasks.build.outputs.verison }}"'))).toEqual([
      'task "deploy" uses ${{ tasks.build.outputs.verison }}, but "build" sets no output "verison" that lint can see (did you mean "version"?), so it would read empty',
    ]);
    expect(codes(workflow('run: "true", when: "tasks.review.outputs.anwser != \'\'"'))).toEqual(['unknown-output@7:57']);
    expect(codes(workflow('run: "true", env: { A: "${{ tasks.review[a].outputs.scores }}" }'))).toEqual(['unknown-output@7:61']);
    // The multi-line form counts as set.
    expect(messages(workflow('run: "echo ${{ tasks.build.outputs.note }}"', 'echo "notes<<EOF" >> $ORCHESTRATE_OUTPUT')).join()).toContain('(did you mean "notes"?)');
  });

  it('says nothing of an output it may not see set: one the command names, one of no near spelling, one of a task that sets none it can see', () => {
    expect(codes(workflow('run: "echo ${{ tasks.build.outputs.version }}", env: { A: "${{ tasks.review.outputs.answer }}", B: "${{ tasks.review[b].outputs.score }}" }'))).toEqual([]);
    // Set in a way lint does not read (a variable, printf) but named in the command.
    expect(codes(workflow('run: "echo ${{ tasks.build.outputs.versions }}"', 'k=versions; echo "version=1" "$k=2" >> "$ORCHESTRATE_OUTPUT"'))).toEqual([]);
    expect(codes(workflow('run: "echo ${{ tasks.build.outputs.digest }}"'))).toEqual([]);
    expect(codes(workflow('run: "echo ${{ tasks.build.outputs.verison }}"', './make-outputs.sh'))).toEqual([]);
  });

  it('names an outputSchema key no attempt is seen to set, of a near spelling of one it is: of a task, of an agent once, of the config file\'s agent at the task', () => {
    const text = `version: 1
agents:
  llm: { command: cat, captureStdout: answer, outputSchema: { anwser: { type: object } } }
tasks:
  one: { agent: llm, prompt: hi, matrix: { k: [a, b] } }
  two: { agent: llm, prompt: hi }
  own: { run: 'echo "verdict=ok" >> $ORCHESTRATE_OUTPUT', outputSchema: { verdcit: { enum: [ok] }, extra: {} } }
  fine: { run: './write.sh summary', outputSchema: { sumary: {}, summary: {} } }
`;
    expect(messages(text)).toEqual([
      'agent "llm" has an outputSchema for output "anwser", which its tasks are not seen to set (did you mean "answer"?): every attempt would fail as output "anwser" was not set, and be retried',
      'task "own" has an outputSchema for output "verdcit", which it is not seen to set (did you mean "verdict"?): every attempt would fail as output "verdcit" was not set, and be retried',
    ]);
    expect(codes(text)).toEqual(['unknown-output@3:63', 'unknown-output@7:75']);
    const config = { agents: { llm: { command: 'cat', captureStdout: 'answer', outputSchema: { answers: {} } } } };
    expect(codes('version: 1\ntasks:\n  one: { agent: llm, prompt: hi }\n', config)).toEqual(['unknown-output@3:17']);
    expect(messages('version: 1\ntasks:\n  one: { agent: llm, prompt: hi }\n', config)[0]).toMatch(/^agent "llm" \(from the config file\) has an outputSchema for output "answers"/);
  });
});
