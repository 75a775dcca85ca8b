import { describe, expect, it } from 'vitest';
import { misspelledSecrets } from './misspelled-secrets.js';

const workflow = (secrets: string[], env: Record<string, string> = {}) => ({ secrets, secretPatterns: ['*TOKEN*'], env, agents: {}, tasks: [] });

describe('secrets named with a typo', () => {
  it('names a secret that is not set beside a near name that is, unmasked', () => {
    expect(misspelledSecrets(workflow(['MYVR', 'DeployPass']), { MYVAR: 'v', DEPLOYPASS: 'p', HOME: '/root' })).toEqual([
      'secrets: "MYVR" is not set, but "MYVAR" is, and its value is not masked: if it is the secret, name it under secrets:',
      'secrets: "DeployPass" is not set, but "DEPLOYPASS" is, and its value is not masked: if it is the secret, name it under secrets:',
    ]);
    // Set in the workflow's env rather than the environment: the same.
    expect(misspelledSecrets(workflow(['SIGNING_PIN'], { SIGNING_PIM: 'x' }), {})).toHaveLength(1);
  });

  it('says nothing of a secret that is set, one not set with no near name, or a near name already masked', () => {
    expect(misspelledSecrets(workflow(['MYVAR']), { MYVAR: 'v', MYVAT: 'w' })).toEqual([]);
    expect(misspelledSecrets(workflow(['DATABASE_URL']), { HOME: '/root', PATH: '/bin' })).toEqual([]);
    expect(misspelledSecrets(workflow(['API_TOKN']), { API_TOKEN: 't' })).toEqual([]);
    // Names far apart are not typos of each other (two edits at most).
    expect(misspelledSecrets(workflow(['DB_URL']), { DB_HOST: 'h' })).toEqual([]);
  });
});
