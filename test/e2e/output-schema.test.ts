import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';

describe('outputSchema', () => {
  it('fails an attempt whose outputs break their schema as invalid, retries it, and hands on what matches', () => {
    const r = runProject({
      // An "LLM" that answers prose around broken JSON first, then the JSON asked for.
      'agent.sh': `#!/bin/sh
cat > /dev/null
if [ "$ORCHESTRATE_ATTEMPT" = 1 ]; then echo 'Sure! {"verdict": "looks good"'; else echo '{"verdict": "approve", "score": 0.9}'; fi
`,
      'workflow.yaml': `version: 1
agents:
  reviewer:
    command: sh ./agent.sh
    captureStdout: answer
    outputSchema:
      answer: { type: object, required: [verdict], properties: { verdict: { enum: [approve, reject] } } }
    retry: { maxAttempts: 2, delay: 0 }
tasks:
  review: { agent: reviewer, prompt: review it }
  strict:
    agent: reviewer
    prompt: again
    outputSchema: { answer: { type: object, required: [verdict, reasons] } }
    retry: { maxAttempts: 1 }
  count:
    run: 'echo "n=3" >> "$ORCHESTRATE_OUTPUT"'
    outputSchema: { n: { type: integer, minimum: 1 }, missing: { type: string } }
  use:
    needs: review
    env: { V: "\${{ tasks.review.outputs.answer.verdict }}" }
    run: 'test "$V" = approve'
`,
    });
    expect(r.code).toBe(1);
    const review = task(r.result, 'review');
    expect(review).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(review.errors).toEqual([{ attempt: 1, kind: 'invalid', message: 'output "answer" does not match its schema (it is not JSON): the value must be object' }]);
    expect(task(r.result, 'use').status).toBe('succeeded');
    // A task's own schema replaces its agent's for that key; with one attempt, the prose answer fails it for good.
    const strict = task(r.result, 'strict');
    expect(strict.status).toBe('failed');
    expect(strict.errors[0].message).toBe('output "answer" does not match its schema (it is not JSON): the value must be object');
    expect(task(r.result, 'count').errors[0]).toEqual({ attempt: 1, kind: 'invalid', message: 'output "missing" was not set' });
    expect(r.events.find((e) => e.type === 'task.retrying' && e.taskId === 'review')).toMatchObject({ errorKind: 'invalid' });
  });

  it('says when an answer is JSON in a Markdown code fence, and the retry, told why, can print it alone', () => {
    const r = runProject({
      // An "LLM" that fences its JSON unless the attempt before it was told not to.
      'agent.sh': `#!/bin/sh
cat > /dev/null
case "$ORCHESTRATE_PREVIOUS_ERROR" in
  *"code fence"*) echo '{"verdict": "approve"}';;
  *) printf '\`\`\`json\\n{"verdict": "approve"}\\n\`\`\`\\n';;
esac
`,
      'workflow.yaml': `version: 1
agents:
  reviewer:
    command: sh ./agent.sh
    captureStdout: answer
    outputSchema: { answer: { type: object, required: [verdict] } }
    retry: { maxAttempts: 2, delay: 0 }
tasks:
  review: { agent: reviewer, prompt: review it }
`,
    });
    expect(r.code, r.stderr).toBe(0);
    const review = task(r.result, 'review');
    expect(review).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { answer: '{"verdict": "approve"}' } });
    expect(review.errors[0].message).toBe('output "answer" does not match its schema (it is not JSON: it is JSON inside a Markdown code fence, ```json ... ```; have the agent print the JSON alone): the value must be object');
  });

  it('lint refuses a schema that cannot be used, at its key, in a task or an agent', () => {
    const dir = tempProject({
      'w.yaml': 'version: 1\nagents:\n  a: { command: cat, outputSchema: { x: { type: objekt } } }\ntasks:\n  t: { run: "true", outputSchema: { y: { minimum: "one" } } }\n',
    });
    const r = cli(['lint', 'w.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.code}@${d.line}:${d.column}`);
    expect(found).toEqual(['bad-output-schema@3:38', 'bad-output-schema@5:37']);
    expect(cli(['lint', 'w.yaml'], { cwd: dir }).stdout).toContain('agent "a": the schema of output "x" cannot be used: schema is invalid: data/type must be equal to one of the allowed values');
  });

  it('lint says an outputSchema written as one JSON Schema must be keyed by output, in a workflow or its config file, with one error each', () => {
    const dir = tempProject({
      'w.yaml': `version: 1
agents:
  llm:
    command: cat
    captureStdout: answer
    outputSchema:
      type: object
      properties: { verdict: { enum: [approve, reject] } }
      required: [verdict]
tasks:
  t: { agent: llm, prompt: hi, outputSchema: { $schema: "http://json-schema.org/draft-07/schema#", type: string } }
  fine: { run: "true", outputSchema: { type: { enum: [bug, feature] } } }
`,
      'c/w.yaml': 'version: 1\ntasks:\n  t: { agent: llm, prompt: hi }\n',
      'c/orchestrate.config.yaml': 'agents:\n  llm: { command: cat, outputSchema: { type: object } }\n',
    });
    const r = cli(['lint', 'w.yaml', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout)[0].diagnostics.map((d: any) => `${d.code}@${d.line}:${d.column} ${d.message}`);
    expect(found).toEqual([
      'bad-output-schema@6:5 agents.llm.outputSchema is one JSON Schema (it has type, properties, required), but it maps each output key to the schema of that output: nest it under the output it checks, outputSchema: { answer: { type: ..., properties: ... } }',
      'bad-output-schema@11:32 tasks.t.outputSchema is one JSON Schema (it has $schema, type), but it maps each output key to the schema of that output: nest it under the output it checks, outputSchema: { answer: { $schema: ..., type: ... } }',
    ]);
    const config = cli(['lint', 'c/w.yaml'], { cwd: dir });
    expect(config.code).toBe(1);
    expect(config.stdout).toContain('agents.llm.outputSchema is one JSON Schema (it has type), but it maps each output key to the schema of that output: nest it under the output it checks, outputSchema: { KEY: { type: ... } }');
    expect(config.stdout).not.toContain('must be a mapping');
  });
});
