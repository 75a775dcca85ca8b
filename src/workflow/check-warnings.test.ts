import { describe, expect, it } from 'vitest';
import { codes, load } from './test-helpers.js';

describe('warnings', () => {
  it('warns of an env value that reads a variable as a shell would, which nothing expands', () => {
    const yaml = `version: 1
env: { PATH: "$PATH:./bin", PLAIN: "a$", PRICE: "$5", TEMPLATE: "\${{ env.HOME }}/x" }
agents: { w: { command: x, env: { CACHE: "\${HOME}/.cache" } } }
tasks:
  a: { agent: w, env: { N: 3, PATTERN: "^v[0-9]+$", BOTH: "x \${{ env.A }} $B" } }
`;
    expect(codes(yaml)).toEqual(['shell-variable-in-env@2:14', 'shell-variable-in-env@3:42', 'shell-variable-in-env@5:59']);
    const [path, cache] = load(yaml).diagnostics;
    expect(path!.message).toBe('PATH\'s value reads $PATH as a shell would, but no shell reads env values: the task gets "$PATH:./bin" as written; use ${{ env.PATH }} for the variable\'s value');
    expect(cache!.message).toContain('reads ${HOME} as a shell would');
    expect(cache!.message).toContain('use ${{ env.HOME }}');
  });
  it('warns when an agent allows more than the explicit global limit', () => {
    expect(codes('version: 1\npolicy: { maxConcurrency: 2 }\nagents: { w: { command: x, concurrency: 4 } }\ntasks:\n  a: { agent: w }\n'))
      .toEqual(['concurrency-above-limit@3:41']);
    expect(codes('version: 1\nagents: { w: { command: x, concurrency: 400 } }\ntasks:\n  a: { agent: w }\n')).toEqual([]);
  });
  it('warns of an if: failure task whose needs all have continueOnError, whose failure counts as success', () => {
    const yaml = `version: 1
tasks:
  flaky: { run: x, continueOnError: true }
  shards: { run: x, matrix: { n: [1, 2] }, continueOnError: true }
  strict: { run: x }
  notify: { needs: flaky, if: failure, run: x }
  notify-all: { needs: [shards, flaky], if: failure, run: x, matrix: { to: [a, b] } }
  rollback: { needs: [flaky, strict], if: failure, run: x }
  always: { needs: flaky, if: always, run: x }
`;
    expect(codes(yaml)).toEqual(['failure-after-allowed-failure@6:31', 'failure-after-allowed-failure@7:45']);
    expect(load(yaml).diagnostics[1]!.message).toBe("task \"notify-all\" has `if: failure`, but every task it needs has `continueOnError: true`, whose failure counts as success for its dependents: it does not run when they fail (only when one is skipped or cancelled because of an earlier failure); to act on their failure, use `if: always` with `when: tasks.shards.status == 'failed'`");
  });
  it('warns of a circuit breaker in a workflow whose tasks have no agent, which never opens', () => {
    const yaml = 'version: 1\npolicy: { circuitBreaker: { failureThreshold: 2 } }\ntasks:\n  a: { run: curl x }\n';
    expect(codes(yaml)).toEqual(['circuit-without-agents@2:11']);
    expect(load(yaml).diagnostics[0]!.message).toBe("policy.circuitBreaker counts the consecutive failures of each agent's tasks, and no task here has an agent: it never opens; shell tasks are not guarded by it");
    expect(codes('version: 1\npolicy: { circuitBreaker: {} }\nagents: { w: { command: x } }\ntasks:\n  a: { run: x }\n  b: { agent: w }\n')).toEqual([]);
    // The config file's serves many workflows.
    expect(codes('version: 1\ntasks:\n  a: { run: x }\n', { policy: { circuitBreaker: { failureThreshold: 2 } } })).toEqual([]);
  });
  it('warns about one artifact from tasks that may run together, not from ordered ones', () => {
    // c runs after b but may run beside a.
    expect(codes('version: 1\ntasks:\n  a: { run: x, artifacts: [out.txt] }\n  b: { run: x, artifacts: [out.txt] }\n  c: { run: x, needs: b, artifacts: [out.txt] }\n'))
      .toEqual(['artifact-conflict@4:28', 'artifact-conflict@5:38']);
    expect(codes('version: 1\ntasks:\n  a: { run: x, artifacts: [out.txt] }\n  b: { run: x, needs: a, artifacts: [out.txt] }\n')).toEqual([]);
    expect(codes('version: 1\ntasks:\n  m: { run: x, matrix: { f: [1, 2] }, artifacts: ["r-${{ matrix.f }}.txt"] }\n')).toEqual([]);
  });
});
