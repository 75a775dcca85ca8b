import { describe, expect, it } from 'vitest';
import { SecretMasker, secretValues } from './mask.js';

describe('secret masking', () => {
  it('collects values of named secrets and of secret-looking names', () => {
    const env = { GITHUB_TOKEN: 'ghp_abc123', MY_API_KEY: 'k-999', PATH: '/usr/bin', DB_PASSWORD: 'hunter22', SHORT_TOKEN: 'ab', OTHER: 'visible' };
    expect(secretValues(env, ['OTHER'], ['*TOKEN*', '*KEY*', '*PASSWORD*']).sort()).toEqual(['ghp_abc123', 'hunter22', 'k-999', 'visible'].sort());
  });
  it('masks in text and deep in objects', () => {
    const m = new SecretMasker(['s3cr3t']);
    expect(m.mask('a s3cr3t b s3cr3t')).toBe('a *** b ***');
    expect(m.maskDeep({ a: ['x s3cr3t'], b: 1 })).toEqual({ a: ['x ***'], b: 1 });
  });
  it('masks a secret split across any chunk boundary', () => {
    const secret = 'TOPSECRETVALUE';
    const text = `before ${secret} middle ${secret}${secret} after`;
    const m = new SecretMasker([secret, 'other-secret']);
    for (let size = 1; size <= text.length; size++) {
      const s = m.stream();
      let out = '';
      for (let i = 0; i < text.length; i += size) out += s.write(text.slice(i, i + size));
      out += s.end();
      expect(out, `chunk size ${size}`).toBe('before *** middle ****** after');
    }
  });
  it('passes text through untouched when there are no secrets', () => {
    const s = new SecretMasker([]).stream();
    expect(s.write('abc')).toBe('abc');
  });
});
