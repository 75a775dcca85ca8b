import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeGraph } from '../../src/index.js';
import { cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';
import { validator } from '../helpers/schemas.js';

const validateEvent = validator('events');

// An "agent" that answers on stdout, as LLM command-line tools do.
const agent = `#!/bin/sh
echo "Title: $(cat)"
echo "token=$MY_TOKEN"
echo
`;

describe('captureStdout', () => {
  it('hands on what a task prints as an output: masked, without final newlines; the outputs file wins; agents set it for their tasks', () => {
    const r = runProject({
      'agent.sh': agent,
      'workflow.yaml': `version: 1
agents:
  writer: { command: sh agent.sh, captureStdout: text }
tasks:
  draft: { agent: writer, prompt: "cats" }
  own: { agent: writer, prompt: "dogs", captureStdout: answer }
  plain: { run: "printf 'a\\\\n\\\\n'", captureStdout: out }
  both: { run: "echo out=from-file >> $ORCHESTRATE_OUTPUT; echo from-stdout", captureStdout: out }
  use:
    needs: [draft, own, plain, both]
    run: printf '%s|' "\${{ tasks.draft.outputs.text }}" "\${{ tasks.own.outputs.answer }}" "\${{ tasks.plain.outputs.out }}" "\${{ tasks.both.outputs.out }}" > used.txt
`,
    }, [], { MY_TOKEN: 'tok-55555-secret' });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(r.dir, 'used.txt'), 'utf8')).toBe('Title: cats\ntoken=***|Title: dogs\ntoken=***|a|from-file|');
    expect(task(r.result, 'draft').outputs).toEqual({ text: 'Title: cats\ntoken=***' });
    expect(task(r.result, 'own').outputs).toEqual({ answer: 'Title: dogs\ntoken=***' });
    for (const e of r.events) expect(validateEvent(e), JSON.stringify(validateEvent.errors)).toBe(true);
    expect(JSON.stringify(r.events)).not.toContain('tok-55555-secret');
    // The log has the output as ever.
    expect(readFileSync(task(r.result, 'draft').logFile, 'utf8')).toContain('out| Title: cats\n');
  });

  it('fails the attempt when stdout passes the 1 MB of outputs, and lint checks the key', () => {
    const r = runProject({ 'workflow.yaml': 'version: 1\ntasks:\n  big: { run: "head -c 1100000 /dev/zero | tr \'\\\\0\' x", captureStdout: big }\n' });
    expect(r.code).toBe(1);
    expect(task(r.result, 'big').errors[0]).toEqual({ attempt: 1, kind: 'invalid', message: 'its stdout (captureStdout: big) makes outputs of 1.0 MB: at most 1 MB per attempt; write large data to a file (an artifact) and pass its path' });
    const dir = tempProject({ 'workflow.yaml': 'version: 1\ntasks:\n  a: { run: "true", captureStdout: "not a key" }\n' });
    const lint = JSON.parse(cli(['lint', 'workflow.yaml', '--format', 'json'], { cwd: dir }).stdout)[0].diagnostics;
    expect(lint.map((d: any) => [d.code, d.line, d.column, d.message])).toEqual([
      ['schema', 3, 36, 'tasks.a.captureStdout is not valid: "not a key" is not an output name (use letters, digits, "_" and "-", starting with a letter or "_")'],
    ]);
  });

  it('lets dependents read members of a JSON answer: in commands, conditions and a matrix', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
tasks:
  review:
    run: |
      echo '{"verdict": "approve", "files": ["a.ts", "b.ts"], "notes": {"count": 2}}'
    captureStdout: result
  merge:
    needs: review
    when: tasks.review.outputs.result.verdict == 'approve'
    run: echo "\${{ tasks.review.outputs.result.verdict }} \${{ tasks.review.outputs.result.notes.count }} \${{ tasks.review.outputs.result.files.1 }} [\${{ tasks.review.outputs.result.missing }}]" > merged.txt
  reject:
    needs: review
    when: tasks.review.outputs.result.verdict == 'reject'
    run: touch rejected.txt
  check:
    needs: review
    matrix: { file: "\${{ tasks.review.outputs.result.files }}" }
    run: echo "\${{ matrix.file }}" >> checked.txt
`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(r.dir, 'merged.txt'), 'utf8')).toBe('approve 2 b.ts []\n');
    expect(task(r.result, 'reject')).toMatchObject({ status: 'skipped', reason: 'condition' });
    expect(readFileSync(join(r.dir, 'checked.txt'), 'utf8').trim().split('\n').sort()).toEqual(['a.ts', 'b.ts']);
    expect(cli(['lint', 'workflow.yaml'], { cwd: r.dir }).code).toBe(0);
  });

  it('reads members of an answer streamed as JSON Lines (stream-json) at the last line that has them: cost, conditions, commands', () => {
    const r = runProject({
      'workflow.yaml': `version: 1
agents:
  llm:
    command: |
      cat > /dev/null
      echo '{"type":"system","subtype":"init","session_id":"s1"}'
      echo '{"type":"assistant","message":{"content":[{"type":"text","text":"looks fine"}]}}'
      echo '{"type":"result","subtype":"success","result":"approve","total_cost_usd":0.031,"session_id":"s1"}'
    captureStdout: answer
    costOutput: answer.total_cost_usd
    cost: 0.5
tasks:
  review: { agent: llm, prompt: review it }
  merge:
    needs: review
    when: tasks.review.outputs.answer.result == 'approve'
    run: echo "\${{ tasks.review.outputs.answer.result }} \${{ tasks.review.outputs.answer.session_id }} [\${{ tasks.review.outputs.answer.verdict }}]" > merged.txt
`,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(task(r.result, 'review').cost).toBe(0.031);
    expect(readFileSync(join(r.dir, 'merged.txt'), 'utf8')).toBe('approve s1 []\n');
    // A member no line has reads empty, and the reading attempt's log says so, of JSON Lines as of JSON.
    expect(readFileSync(join(r.result.logDir, 'merge.log'), 'utf8')).toContain('reads empty: output "answer" of "review" has no member "verdict"');
  });

  it('takes an in-process agent\'s returned text as its stdout', async () => {
    const result = await executeGraph({
      tasks: [
        { id: 'ask', agent: { run: () => ({ output: 'forty-two\n' }) }, captureStdout: 'answer' },
        { id: 'use', needs: ['ask'], run: 'test "${{ tasks.ask.outputs.answer }}" = forty-two' },
      ],
    }, { cwd: tempProject() });
    expect(result.status).toBe('succeeded');
    expect(result.tasks[0]!.outputs).toEqual({ answer: 'forty-two' });
  });
});
