import { describe, expect, it } from 'vitest';
import { codes, messages } from './test-helpers.js';

describe('retry blocks that do not do what they say', () => {
  it('warns at a block whose delay is above the maxDelay that caps it, with the layers under it', () => {
    const yaml = `version: 1
policy: { retry: { maxAttempts: 3, maxDelay: 2s } }
agents:
  w: { command: x, retry: { delay: 10s } }
  fine: { command: x, retry: { delay: 1s } }
tasks:
  own: { run: x, retry: { delay: 5s, maxDelay: 1s } }
  from-policy: { run: x, retry: { delay: 3s } }
  of-agent: { agent: w }
  lowers-it: { agent: w, retry: { delay: 1s } }
  raises-cap: { agent: w, retry: { maxDelay: 30s } }
  fine-task: { agent: fine }
`;
    expect(codes(yaml)).toEqual(['delay-over-max-delay@4:36', 'delay-over-max-delay@7:34', 'delay-over-max-delay@8:42']);
    expect(messages(yaml)).toEqual([
      'agent "w" waits 10s before a retry, but maxDelay caps every delay at 2s (policy.retry): each retry waits 2s; lower the delay or raise maxDelay',
      'task "own" waits 5s before a retry, but maxDelay caps every delay at 1s: each retry waits 1s; lower the delay or raise maxDelay',
      'task "from-policy" waits 3s before a retry, but maxDelay caps every delay at 2s (policy.retry): each retry waits 2s; lower the delay or raise maxDelay',
    ]);
  });

  it('warns at a maxDelay written below a delay from a layer under it', () => {
    const yaml = 'version: 1\nagents:\n  w: { command: x, retry: { delay: 10s } }\ntasks:\n  a: { agent: w, retry: { maxAttempts: 2, maxDelay: 4s } }\n';
    expect(codes(yaml)).toEqual(['delay-over-max-delay@5:53']);
    expect(messages(yaml)[0]).toBe('task "a" waits 10s before a retry (agents.w.retry), but maxDelay caps every delay at 4s: each retry waits 4s; lower the delay or raise maxDelay');
  });

  it('counts the config file\'s layers under the workflow\'s blocks, and says so', () => {
    const yaml = 'version: 1\npolicy: { retry: { delay: 1m } }\ntasks:\n  a: { run: x }\n';
    expect(messages(yaml, { policy: { retry: { maxDelay: '30s' } } })).toEqual([
      "the policy waits 1m00s before a retry, but maxDelay caps every delay at 30s (the config file's policy.retry): each retry waits 30s; lower the delay or raise maxDelay",
    ]);
    expect(codes(yaml, { agents: { w: { command: 'x', retry: { maxDelay: '30s' } } } })).toEqual([]);
    expect(codes('version: 1\ntasks:\n  a: { agent: w, retry: { delay: 1m } }\n', { agents: { w: { command: 'x', retry: { maxAttempts: 2, maxDelay: '30s' } } } })).toEqual(['delay-over-max-delay@3:34']);
  });

  it('says nothing of a delay equal to its cap, or of blocks without delay or maxDelay', () => {
    expect(codes('version: 1\npolicy: { retry: { delay: 2s, maxDelay: 2s } }\ntasks:\n  a: { run: x, retry: { maxAttempts: 2 } }\n')).toEqual([]);
    expect(codes('version: 1\npolicy: { retry: { delay: 5s, maxDelay: 1s } }\ntasks:\n  a: { run: x, retry: { maxAttempts: 2 } }\n')).toEqual(['delay-over-max-delay@2:27']);
    // A cap below the default delay (1s), none written: the cap is the delay chosen.
    expect(codes('version: 1\npolicy: { retry: { maxAttempts: 2, maxDelay: 50ms } }\ntasks:\n  a: { run: x }\n')).toEqual([]);
    // Without a maxDelay written anywhere, the default cap never shortens a delay.
    expect(codes('version: 1\ntasks:\n  a: { run: x, retry: { maxAttempts: 2, delay: 5m } }\n')).toEqual([]);
  });

  it('warns at a block whose exit codes are never retried, its kinds leaving out exit-code', () => {
    const yaml = `version: 1
policy: { retry: { maxAttempts: 3, onKinds: [invalid] } }
tasks:
  own: { run: x, retry: { onKinds: [timeout], onExitCodes: [75] } }
  codes: { run: x, retry: { onExitCodes: [1, 2] } }
  fine: { run: x, retry: { onKinds: [exit-code, timeout], onExitCodes: [75] } }
  no-codes: { run: x, retry: { onKinds: [timeout] } }
`;
    expect(codes(yaml)).toEqual(['exit-codes-not-retried@4:60', 'exit-codes-not-retried@5:42']);
    expect(messages(yaml)).toEqual([
      'task "own" retries exit codes 75, but its onKinds (timeout) leave out exit-code: no failed exit code is retried, whatever its code; add exit-code to onKinds, or drop onExitCodes',
      'task "codes" retries exit codes 1, 2, but its onKinds (invalid) (policy.retry) leave out exit-code: no failed exit code is retried, whatever its code; add exit-code to onKinds, or drop onExitCodes',
    ]);
    // Codes from the policy, kinds from the task: at the task's onKinds.
    expect(codes('version: 1\npolicy: { retry: { maxAttempts: 2, onExitCodes: [75] } }\ntasks:\n  a: { run: x, retry: { onKinds: [timeout] } }\n')).toEqual(['exit-codes-not-retried@4:34']);
    // The policy's own block, once.
    expect(codes('version: 1\npolicy: { retry: { maxAttempts: 2, onKinds: [spawn], onExitCodes: [75] } }\ntasks:\n  a: { run: x }\n  b: { run: x }\n')).toEqual(['exit-codes-not-retried@2:67']);
  });
});
