import { describe, expect, it } from 'vitest';
import { codes, load } from './test-helpers.js';

describe('a task\'s estimate', () => {
  it('plans a task without an estimate at the default or its timeout, whichever is shorter', () => {
    const yaml = 'version: 1\npolicy: { taskTimeout: 30s, defaultEstimate: { agent: 2m } }\nagents: { llm: { command: x } }\ntasks:\n  a: { run: x, timeout: 4s }\n  b: { run: x }\n  c: { agent: llm, prompt: hi }\n  d: { run: x, timeout: 1h }\n';
    const { workflow, diagnostics } = load(yaml);
    expect(workflow!.tasks.map((t) => [t.id, t.estimate, t.estimateSource])).toEqual([['a', 4, 'default'], ['b', 10, 'default'], ['c', 30, 'default'], ['d', 10, 'default']]);
    // A default is a guess: nothing to say about it.
    expect(diagnostics).toEqual([]);
  });

  it('warns of an estimate longer than the timeout, once for an agent whose tasks share it', () => {
    const yaml = `version: 1
policy: { taskTimeout: 90s }
agents:
  slow: { command: x, estimate: 2m }
  quick: { command: x, estimate: 1m }
tasks:
  a: { run: x, estimate: 30s, timeout: 20s }
  b: { agent: slow, prompt: hi }
  c: { agent: slow, prompt: hi }
  d: { agent: slow, prompt: hi, timeout: 1m }
  e: { agent: slow, prompt: hi, estimate: 10s }
  f: { agent: slow, prompt: hi, timeout: 3m }
  g: { agent: quick, prompt: hi }
  h: { run: x, estimate: 20s, timeout: 20s }
`;
    expect(codes(yaml)).toEqual(['estimate-over-timeout@4:33', 'estimate-over-timeout@7:26', 'estimate-over-timeout@10:42']);
    const { workflow, diagnostics } = load(yaml);
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ['warning', 'agent "slow" is estimated at 2m00s but the timeout of its tasks is 1m30s (task "b"): if the estimate holds, every attempt is stopped at its timeout and fails; raise the timeout or lower the estimate'],
      ['warning', 'task "a" is estimated at 30s but its timeout is 20s: if the estimate holds, every attempt is stopped at its timeout and fails; raise the timeout or lower the estimate'],
      ['warning', 'task "d" is estimated at 2m00s (the estimate of its agent "slow") but its timeout is 1m00s: if the estimate holds, every attempt is stopped at its timeout and fails; raise the timeout or lower the estimate'],
    ]);
    // An estimate someone gave is kept: only they know which of the two is wrong.
    expect(workflow!.tasks.find((t) => t.id === 'a')).toMatchObject({ estimate: 30, estimateSource: 'declared', timeout: 20 });
    // The config file's agent is said at the task that uses it, as the file has no place for it.
    const fromConfig = load('version: 1\ntasks:\n  a: { agent: cfg, prompt: hi }\n  b: { agent: cfg, prompt: hi }\n', { agents: { cfg: { command: 'x', estimate: '5m', timeout: '1m' } } });
    expect(fromConfig.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['estimate-over-timeout', 'agent "cfg" is estimated at 5m00s in the config file but the timeout of its tasks is 1m00s (task "a"): if the estimate holds, every attempt is stopped at its timeout and fails; raise the timeout or lower the estimate'],
    ]);
  });
});
