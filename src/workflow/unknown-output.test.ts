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
});
