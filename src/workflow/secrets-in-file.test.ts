import { describe, expect, it } from 'vitest';
import { secretsInFile, secretsWrittenInFile } from './secrets-in-file.js';
import { codes, load } from './test-helpers.js';
import type { WorkflowFile } from './schema-types.js';

const PATTERNS = ['*TOKEN*', '*KEY*', '*PASSWORD*'];

describe('secretsWrittenInFile', () => {
  it('finds the literal values of secret variables in every env, not templates, short values or other variables', () => {
    const raw = {
      version: 1,
      secrets: ['DEPLOY_PASS'],
      env: { OPENAI_API_KEY: 'sk-live-abc123', FOO: 'bar', EMPTY_TOKEN: '', SHORT_KEY: 'ab' },
      agents: { ai: { command: 'cat', env: { ANTHROPIC_API_KEY: '${{ env.MY_KEY }}', RETRIES_KEY: 3, LOCK_KEY: 1234 } } },
      tasks: { a: { run: 'true', env: { DEPLOY_PASS: 'hunter2', db_password: 'pw-123' } } },
    } as unknown as WorkflowFile;
    expect(secretsWrittenInFile(raw, PATTERNS)).toEqual([
      { name: 'OPENAI_API_KEY', value: 'sk-live-abc123', at: ['env', 'OPENAI_API_KEY'] },
      { name: 'LOCK_KEY', value: '1234', at: ['agents', 'ai', 'env', 'LOCK_KEY'] },
      { name: 'DEPLOY_PASS', value: 'hunter2', at: ['tasks', 'a', 'env', 'DEPLOY_PASS'] },
      { name: 'db_password', value: 'pw-123', at: ['tasks', 'a', 'env', 'db_password'] },
    ]);
  });

  it('warns only of values that look like credentials', () => {
    const at = ['env', 'X'];
    const warned = (value: string) => secretsInFile([{ name: 'X_KEY', value, at }]).length === 1;
    for (const value of ['sk-live-abc123', 'ghp_0123456789abcdefABCDEF', 'AKIAIOSFODNN7EXAMPLE', 'hunter2hunter2']) expect(warned(value), value).toBe(true);
    for (const value of ['primary', '~/.ssh/id_ed25519', './keys/dev1.pem', '/etc/key2.pem', 'C:\\keys\\a1.pem', 'abc12', 'two words 123', 'onlyletters', '1234567890']) expect(warned(value), value).toBe(false);
  });
});

describe('secret-in-file', () => {
  it('warns at the value, and the lines a diagnostic shows hide every literal secret', () => {
    const text = 'version: 1\nenv: { API_TOKEN: tok-9876543210, KEY_NAME: primary }\ntasks:\n  a: { run: "true" }\n';
    expect(codes(text)).toEqual(['secret-in-file@2:19']);
    const loaded = load(text);
    expect(loaded.source.line(2)).toBe('env: { API_TOKEN: **************, KEY_NAME: ******* }');
    expect(loaded.source.text).toContain('tok-9876543210');
  });

  it('hides a value of several lines (a key file) line by line', () => {
    const text = 'version: 1\nenv:\n  DEPLOY_KEY: |\n    -----BEGIN KEY-----\n    abc123def456\n    -----END KEY-----\ntasks:\n  a: { run: "true", needs: nope }\n';
    const loaded = load(text);
    expect([4, 5, 6].map((n) => loaded.source.line(n))).toEqual(['    *******************', '    ************', '    *****************']);
  });
});
