import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { SecretMasker, secretValues } from './mask.js';

/** `text` through a masking stream in random chunks of 1 to 5 characters. */
function streamed(m: SecretMasker, text: string, rnd: () => number): string {
  const s = m.stream();
  let out = '';
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(rnd() * 5);
    out += s.write(text.slice(i, i + size));
    i += size;
  }
  return out + s.end();
}

describe('secret masking', () => {
  it('collects values of named secrets and of secret-looking names', () => {
    const env = { GITHUB_TOKEN: 'ghp_abc123', MY_API_KEY: 'k-999', PATH: '/usr/bin', DB_PASSWORD: 'hunter22', SHORT_TOKEN: 'ab', OTHER: 'visible' };
    expect(secretValues(env, ['OTHER'], ['*TOKEN*', '*KEY*', '*PASSWORD*']).sort()).toEqual(['ghp_abc123', 'hunter22', 'k-999', 'visible'].sort());
  });
  it('masks in text and deep in objects', () => {
    const m = new SecretMasker(['s3cr3t']);
    expect(m.mask('a s3cr3t b s3cr3t')).toBe('a *** b ***');
    expect(m.maskDeep({ a: ['x s3cr3t'], b: 1 })).toEqual({ a: ['x ***'], b: 1 });
    // A task's output may be called `__proto__`: masked, it is still a key of the object.
    const masked = m.maskDeep(JSON.parse('{"__proto__":"s3cr3t!"}') as Record<string, string>);
    expect(Object.keys(masked)).toEqual(['__proto__']);
    expect(JSON.stringify(masked)).toBe('{"__proto__":"***!"}');
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
  it('masks a stream exactly as the whole text, whatever the secrets (overlapping, nested) and the chunking (seeded fuzz)', () => {
    const rnd = seededRandom(7);
    let alphabet = '';
    const word = (min: number, max: number) => Array.from({ length: min + Math.floor(rnd() * (max - min + 1)) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    for (let round = 0; round < 2000; round++) {
      // A small alphabet makes secrets overlap, nest and repeat in the text; every other round has
      // regular-expression metacharacters, which secrets match as plain text.
      alphabet = round % 2 ? 'ab.*+?(|\\' : 'abcx';
      const secrets = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => word(1, 6));
      const m = new SecretMasker(secrets);
      const text = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => (rnd() < 0.5 ? secrets[Math.floor(rnd() * secrets.length)] : word(0, 5))).join('');
      expect(streamed(m, text, rnd), `secrets ${JSON.stringify(secrets)} text ${JSON.stringify(text)}`).toBe(m.mask(text));
    }
  });
  it('lets whole lines through at once unless a secret holds a line break, and still masks as the whole text would (seeded fuzz)', () => {
    const single = new SecretMasker(['s3cret-token']).stream();
    expect(single.write('token s3cret-token here\nnext')).toBe('token *** here\n');
    expect(single.end()).toBe('next');
    const multi = new SecretMasker(['line one\nline two']).stream();
    expect(multi.write('a\n')).toBe('');
    expect(multi.end()).toBe('a\n');
    // When the task goes quiet, the whole lines held go out, masked line by line (each line of the secret is one too).
    const key = '-----BEGIN KEY-----\nabcdefgh\nijklmnop\n-----END KEY-----';
    const quiet = new SecretMasker(secretValues({ DEPLOY_KEY: key }, [], ['*KEY*'])).stream();
    expect(quiet.write('starting\n')).toBe('');
    expect(quiet.holdsLines).toBe(true);
    expect(quiet.flushLines()).toBe('starting\n');
    expect([quiet.holdsLines, quiet.flushLines()]).toEqual([false, '']);
    expect(quiet.write('-----BEGIN KEY-----\nabcdefgh\nij')).toBe('');
    expect(quiet.flushLines()).toBe('***\n***\n');
    expect(quiet.write('klmnop\n-----END KEY-----\ndone\n')).toBe('');
    expect(quiet.end()).toBe('***\n***\ndone\n');
    const rnd = seededRandom(13);
    const word = (alphabet: string, min: number, max: number) => Array.from({ length: min + Math.floor(rnd() * (max - min + 1)) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    for (let round = 0; round < 2000; round++) {
      // Secrets with a line break every third round; text full of them always.
      const secrets = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => word(round % 3 ? 'abc' : 'ab\n', 1, 6));
      const m = new SecretMasker(secrets);
      const text = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => (rnd() < 0.5 ? secrets[Math.floor(rnd() * secrets.length)] : word('abc\n', 0, 5))).join('');
      expect(streamed(m, text, rnd), `secrets ${JSON.stringify(secrets)} text ${JSON.stringify(text)}`).toBe(m.mask(text));
    }
  });
  it('masks a secret base64-encoded wherever it sits in the encoded bytes, leaving at most its first and last two bytes\' bits', () => {
    const secret = 'pa$$w0rd-\u00e9t\u00e9-42/+?';
    const bytes = Buffer.byteLength(secret);
    const m = new SecretMasker([secret]);
    for (let before = 0; before < 6; before++) {
      for (let after = 0; after < 4; after++) {
        const plain = `${'u:'.repeat(3).slice(0, before)}${secret}${'\n\n\n'.slice(0, after)}`;
        for (const encoded of [Buffer.from(plain).toString('base64'), Buffer.from(plain).toString('base64url')]) {
          const masked = m.mask(`Authorization: Basic ${encoded}`);
          expect(masked, `${before} bytes before, ${after} after: ${encoded}`).toContain('***');
          // The characters masked: all but those that also hold bits of the bytes around the secret.
          const hidden = encoded.length - (masked.length - 'Authorization: Basic '.length - 3);
          expect(hidden, `${before} bytes before, ${after} after`).toBeGreaterThanOrEqual(4 * Math.floor((bytes - 4) / 3));
        }
      }
    }
  });
  it('masks a secret URL-encoded, JSON-escaped and XML-escaped, and leaves other text be', () => {
    const secret = `p@ss w/"rd'!<&>\\`;
    const m = new SecretMasker([secret]);
    const forms = [
      encodeURIComponent(secret),
      // RFC 3986's strict form (curl --data-urlencode, Python's quote)
      encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      JSON.stringify(secret).slice(1, -1),
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    ];
    for (const form of forms) expect(m.mask(`x=${form};`), form).toBe('x=***;');
    expect(m.mask(JSON.stringify({ password: secret }))).toBe('{"password":"***"}');
    expect(m.mask('postgres://app:' + encodeURIComponent(secret) + '@db:5432/app')).toBe('postgres://app:***@db:5432/app');
    const plain = 'nothing here: pa ss, p%40ss, cEBzcw, &amp;';
    expect(m.mask(plain)).toBe(plain);
    // A short secret's encodings are as long as they come: three bytes make four characters.
    expect(new SecretMasker(['abc']).mask('YWJj abc')).toBe('*** ***');
    // A stream masks the forms across chunks too.
    expect(streamed(m, `a ${forms[2]} b ${Buffer.from(secret).toString('base64')} c`, seededRandom(5))).toBe(m.mask(`a ${forms[2]} b ${Buffer.from(secret).toString('base64')} c`));
    expect(m.mask(`a ${forms[2]} b`)).toBe('a *** b');
  });
  it('masks large secrets and their encodings beside short ones, and always the values themselves however many', () => {
    const rnd = seededRandom(21);
    const blob = (length: number) => Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rnd() * 62)]).join('');
    // Ten 1.5 KB secrets and a key: looked for on their own, they leave the pattern small, with room for every encoding.
    const big = Array.from({ length: 10 }, () => blob(1500));
    const pem = `-----BEGIN PRIVATE KEY-----\n${blob(1500).match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----`;
    const m = new SecretMasker([...big, pem, ...pem.split('\n'), 'short-token-123']);
    for (const value of [...big, pem, 'short-token-123']) expect(m.mask(`<${value}>`)).toBe('<***>');
    expect(m.mask(Buffer.from('short-token-123').toString('base64'))).toBe('***');
    expect(m.mask(encodeURIComponent('short-token-123 '))).toBe('***%20');
    expect(m.mask(`x${Buffer.from(big[3]!).toString('base64')}`)).toBe('x***');
    expect(m.mask(JSON.stringify({ key: pem }))).toBe('{"key":"***"}');
    // Four hundred short ones fill the pattern: their encodings may be left out, never they.
    const many = Array.from({ length: 400 }, () => blob(60));
    const crowded = new SecretMasker(many);
    expect(crowded.mask(many.join(' '))).toBe(many.map(() => '***').join(' '));
  });
  it('finds long texts on their own exactly as the one pattern would, also streamed (seeded fuzz)', () => {
    const rnd = seededRandom(17);
    const word = (alphabet: string, min: number, max: number) => Array.from({ length: min + Math.floor(rnd() * (max - min + 1)) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    for (let round = 0; round < 3000; round++) {
      const secrets = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => word(round % 4 ? 'abc' : 'ab\n', 3, 9));
      // All in one pattern, as before long texts were looked for on their own.
      const reference = new SecretMasker(secrets, { longFrom: Infinity });
      const text = Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => (rnd() < 0.5 ? secrets[Math.floor(rnd() * secrets.length)] : word('abc\n', 0, 6))).join('');
      for (const longFrom of [3, 4 + Math.floor(rnd() * 6)]) {
        const m = new SecretMasker(secrets, { longFrom });
        const why = `secrets ${JSON.stringify(secrets)} longFrom ${longFrom} text ${JSON.stringify(text)}`;
        expect(m.mask(text), why).toBe(reference.mask(text));
        expect(streamed(m, text, rnd), why).toBe(reference.mask(text));
      }
    }
  });
  it('masks a secret base64-encoded by an encoder that wraps its lines (base64, openssl, PEM), line by line', () => {
    const rnd = seededRandom(31);
    const blob = (length: number) => Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='[Math.floor(rnd() * 65)]).join('');
    const pem = `-----BEGIN PRIVATE KEY-----\n${blob(1200).match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
    const token = blob(100);
    const m = new SecretMasker([pem, ...pem.split('\n'), token]);
    const wrap = (text: string, width: number, eol: string) => Buffer.from(text).toString('base64').match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol);
    for (const secret of [pem, token]) {
      // `base64 FILE` (76), `openssl base64` and PEM (64), MIME (76, CRLF); `echo "$TOKEN" | base64` adds a newline to what is encoded.
      for (const [plain, width, eol] of [[secret, 76, '\n'], [secret, 64, '\n'], [secret, 76, '\r\n'], [`${secret}\n`, 76, '\n']] as const) {
        const printed = wrap(plain, width, eol);
        const masked = m.mask(`${printed}\n`).split(/\r?\n/).filter(Boolean);
        const why = `${secret === pem ? 'key' : 'token'} at ${width}${eol === '\r\n' ? ' with CRLF' : ''}${plain === secret ? '' : ' after echo'}`;
        // Every line but the last is masked whole; the last keeps at most the encoding of the secret's last five bytes
        // (a last line of under 8 characters of whole groups is not masked on its own) and the partial group after them.
        for (const line of masked.slice(0, -1)) expect(line, why).toBe('***');
        expect(masked.at(-1)!.replace(/^\*\*\*/, '').length, why).toBeLessThanOrEqual(11);
        // A stream masks it the same.
        expect(streamed(m, `${printed}\n`, rnd), why).toBe(m.mask(`${printed}\n`));
      }
    }
    // A last line that is whole, without the line break `$(base64 ...)` drops: 114 bytes make two lines of 76.
    const even = blob(114);
    const two = Buffer.from(even).toString('base64').match(/.{1,76}/g)!.join('\n');
    const m2 = new SecretMasker([even]);
    expect(m2.mask(two)).toBe('***\n***');
    expect(streamed(m2, two, rnd)).toBe('***\n***');
    expect(streamed(m2, `${two}x\n`, rnd)).toBe(m2.mask(`${two}x\n`));
    // Short secrets, whose encoding fits on one line, are masked as before.
    expect(new SecretMasker(['hunter2-pass']).mask(Buffer.from('hunter2-pass').toString('base64'))).toBe('***');
  });
  it('keeps the encodings looked for on their own when short ones fill the pattern', () => {
    const rnd = seededRandom(33);
    const blob = (length: number) => Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rnd() * 62)]).join('');
    const many = Array.from({ length: 400 }, () => blob(60));
    const big = blob(2000);
    const m = new SecretMasker([...many, big]);
    // Past the pattern's room, yet looked for with indexOf, which costs the pattern nothing (the last, partial group stays).
    expect(m.mask(`x${Buffer.from(big).toString('base64')}`)).toMatch(/^x\*\*\*[A-Za-z0-9+/=]{0,4}$/);
    expect(m.mask(`x${Buffer.from(big.slice(1)).toString('base64')}`)).not.toContain(Buffer.from(big.slice(1)).toString('base64').slice(8, -8));
  });
  it('passes text through untouched when there are no secrets', () => {
    const s = new SecretMasker([]).stream();
    expect(s.write('abc')).toBe('abc');
  });
});
