import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeGraph } from '../../src/index.js';
import { tempProject } from '../helpers/cli.js';
import { runProject, task } from '../helpers/run.js';

// An "agent" that answers badly first, and on a retry repairs its answer with what it was told.
const agent = `#!/bin/sh
echo "attempt $ORCHESTRATE_ATTEMPT: [$ORCHESTRATE_PREVIOUS_ERROR_KIND] $ORCHESTRATE_PREVIOUS_ERROR" >> told.txt
case "$ORCHESTRATE_ATTEMPT" in
  1) echo "verdict: approve, as $MY_TOKEN says" >> "$ORCHESTRATE_OUTPUT" ;;
  2) echo "verdict=maybe" >> "$ORCHESTRATE_OUTPUT" ;;
  *) echo "verdict=approve" >> "$ORCHESTRATE_OUTPUT" ;;
esac
`;

describe('a retry is told why the attempt before it failed', () => {
  it('in $ORCHESTRATE_PREVIOUS_ERROR and its kind, masked, empty on a first attempt', () => {
    const r = runProject({
      'agent.sh': agent,
      'workflow.yaml': `version: 1
secrets: [MY_TOKEN]
agents:
  judge:
    command: sh agent.sh
    outputSchema: { verdict: { enum: [approve, reject] } }
    retry: { maxAttempts: 3, delay: 10ms }
tasks:
  judge: { agent: judge, prompt: "Judge it" }
  flaky:
    run: 'echo "attempt $ORCHESTRATE_ATTEMPT: [$ORCHESTRATE_PREVIOUS_ERROR_KIND] $ORCHESTRATE_PREVIOUS_ERROR" >> flaky.txt; test "$ORCHESTRATE_ATTEMPT" = 3 || exit $((ORCHESTRATE_ATTEMPT + 4))'
    retry: { maxAttempts: 3, delay: 10ms }
    needs: judge
`,
    }, [], { MY_TOKEN: 'tok-424242-secret', ORCHESTRATE_PREVIOUS_ERROR: 'from a runner above', ORCHESTRATE_PREVIOUS_ERROR_KIND: 'timeout' });
    expect(r.code, r.stderr).toBe(0);
    expect(task(r.result, 'judge')).toMatchObject({ attempts: 3, outputs: { verdict: 'approve' } });
    const told = readFileSync(join(r.dir, 'told.txt'), 'utf8').split('\n');
    // A first attempt is told nothing, even when the runner itself runs inside a task that was.
    expect(told[0]).toBe('attempt 1: [] ');
    expect(told[1]).toBe('attempt 2: [invalid] invalid outputs file: line 1: "verdict: approve, as *** says" is neither key=value nor key<<DELIMITER');
    expect(told[2]).toBe('attempt 3: [invalid] output "verdict" does not match its schema (it is not JSON): the value must be equal to one of the allowed values ("approve", "reject")');
    expect(told.join('\n')).not.toContain('tok-424242-secret');
    expect(readFileSync(join(r.dir, 'flaky.txt'), 'utf8')).toBe('attempt 1: [] \nattempt 2: [exit-code] exit code 5\nattempt 3: [exit-code] exit code 6\n');
  });

  it('in ctx.previousError for an in-process agent', async () => {
    const seen: unknown[] = [];
    const result = await executeGraph({
      tasks: [{
        id: 'a',
        retry: { maxAttempts: 2, delay: 0 },
        agent: () => ({
          run: (_prompt, ctx) => {
            seen.push(ctx.previousError);
            if (ctx.attempt === 1) throw new Error('no answer yet');
            return { outputs: { ok: 'yes' } };
          },
        }),
      }],
    }, { cwd: tempProject({}) });
    expect(result.status).toBe('succeeded');
    expect(seen).toEqual([undefined, { message: 'no answer yet', kind: 'exit-code' }]);
  });
});
