import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../telemetry/mask.js';
import { seededRandom } from '../util/random.js';
import { TaskLog } from './task-log.js';

async function feed(log: TaskLog, lines: string[]): Promise<void> {
  const out = new PassThrough();
  log.attach(out, 'out');
  const ended = new Promise((resolve) => out.on('end', resolve));
  out.end(lines.map((l) => `${l}\n`).join(''));
  await ended;
  await log.close();
}

describe('TaskLog', () => {
  it('writes masked, marked lines and keeps the last ones', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'task-log-')), 'a.log');
    const log = new TaskLog(path, new SecretMasker(['s3cret']));
    log.header('--- attempt 1');
    await feed(log, ['hello', 'token s3cret here']);
    expect(readFileSync(path, 'utf8')).toBe('--- attempt 1\nout| hello\nout| token *** here\n');
    expect(log.tail()).toEqual(['hello', 'token *** here']);
  });

  it('keeps the first 500 characters of each line in the tail, however long the line and its pieces (the file has all)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'task-log-')), 'a.log');
    const log = new TaskLog(path, new SecretMasker([]));
    await feed(log, ['x'.repeat(100_000), 'short', `${'y'.repeat(499)}😀z`]);
    expect(log.tail()).toEqual([
      `${'x'.repeat(500)}… (99500 more characters in the log)`,
      'short',
      // Not cut inside the emoji's surrogate pair.
      `${'y'.repeat(499)}… (3 more characters in the log)`,
    ]);
    expect(readFileSync(path, 'utf8').replace(/\nout\| /g, '').length).toBeGreaterThan(100_000);
  });

  it('writes what the whole output masked and split into lines would give, however it is chunked (seeded fuzz)', async () => {
    const rnd = seededRandom(5);
    const dir = mkdtempSync(join(tmpdir(), 'task-log-'));
    const secrets = ['tok-1234', 'k9k9k'];
    const pieces = ['a', 'b c', '\n', '\n\n', 'tok-1234', 'k9k9k', 'tok-', '1234', 'x'.repeat(40)];
    for (let round = 0; round < 60; round++) {
      const text = Array.from({ length: 5 + Math.floor(rnd() * 40) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
      const path = join(dir, `${round}.log`);
      const masker = new SecretMasker(secrets);
      const seen: string[] = [];
      const log = new TaskLog(path, masker, (_stream, line) => seen.push(line));
      const out = new PassThrough();
      log.attach(out, 'out');
      const ended = new Promise((resolve) => out.on('end', resolve));
      for (let i = 0; i < text.length;) {
        const size = 1 + Math.floor(rnd() * 7);
        out.write(text.slice(i, i + size));
        i += size;
      }
      out.end();
      await ended;
      await log.close();
      const lines = masker.mask(text).split('\n');
      if (lines.at(-1) === '') lines.pop();
      expect(seen, JSON.stringify(text)).toEqual(lines);
      expect(existsSync(path) ? readFileSync(path, 'utf8') : '').toBe(lines.map((l) => `out| ${l}\n`).join(''));
    }
  });

  it('masks a value its stdout registers with ::add-mask:: from that line on, however the output is chunked (seeded fuzz)', async () => {
    const rnd = seededRandom(11);
    const dir = mkdtempSync(join(tmpdir(), 'task-log-'));
    const text = 'before\n::add-mask::tok-9876-abc\nthe token is tok-9876-abc, twice: tok-9876-abc\n::add-mask::ab\nab stays\nend tok-9876-abc';
    for (let round = 0; round < 40; round++) {
      const path = join(dir, `${round}.log`);
      const masker = new SecretMasker([]);
      const seen: string[] = [];
      const registered: string[] = [];
      const log = new TaskLog(path, masker, (_stream, line) => seen.push(line), (value) => registered.push(value));
      const out = new PassThrough();
      const err = new PassThrough();
      log.attach(out, 'out');
      log.attach(err, 'err');
      const ended = Promise.all([out, err].map((s) => new Promise((resolve) => s.on('end', resolve))));
      // On stderr it is not a command (GitHub reads commands from stdout only).
      err.end('::add-mask::on-stderr-value\n');
      for (let i = 0; i < text.length;) {
        const size = 1 + Math.floor(rnd() * 9);
        out.write(text.slice(i, i + size));
        i += size;
      }
      out.end();
      await ended;
      await log.close();
      expect(registered).toEqual(['tok-9876-abc']);
      expect(seen.filter((l) => !l.includes('stderr'))).toEqual(['before', '::add-mask::***', 'the token is ***, twice: ***', '::add-mask::ab', 'ab stays', 'end ***']);
      const file = readFileSync(path, 'utf8');
      expect(file).not.toContain('tok-9876-abc');
      expect(file).toContain('err| ::add-mask::on-stderr-value\n');
      expect(masker.mask('tok-9876-abc and on-stderr-value')).toBe('*** and on-stderr-value');
    }
  });

  it('says in the tail when the log file cannot be written, and keeps the lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'task-log-'));
    writeFileSync(join(dir, 'a-file'), '');
    const log = new TaskLog(join(dir, 'a-file', 'a.log'), new SecretMasker([]));
    await feed(log, ['one', 'two']);
    expect(log.tail().filter((l) => !l.startsWith('('))).toEqual(['one', 'two']);
    expect(log.tail().filter((l) => l.startsWith('(the log file could not be written: ENOTDIR'))).toHaveLength(1);
    expect(log.writeError).toBe('a parent is not a directory');
  });

  it('makes the run\'s directory again when it was deleted before the log was opened, with .orchestrate\'s .gitignore', async () => {
    const project = mkdtempSync(join(tmpdir(), 'task-log-'));
    const path = join(project, '.orchestrate', 'runs', 'r1', 'a.log');
    const log = new TaskLog(path, new SecretMasker([]));
    await feed(log, ['after the clean']);
    expect(readFileSync(path, 'utf8')).toBe('out| after the clean\n');
    expect(readFileSync(join(project, '.orchestrate', '.gitignore'), 'utf8')).toContain('*');
    expect(log.writeError).toBeUndefined();
  });

  it('writes back a log deleted while it was written (a task deleted the run\'s directory), and leaves a file made there since', async () => {
    const project = mkdtempSync(join(tmpdir(), 'task-log-'));
    const path = join(project, '.orchestrate', 'runs', 'r1', 'a.log');
    const log = new TaskLog(path, new SecretMasker(['s3cret']));
    log.header('attempt 1');
    const out = new PassThrough();
    log.attach(out, 'out');
    const ended = new Promise((resolve) => out.on('end', resolve));
    out.write('before s3cret\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(path)).toBe(true);
    rmSync(join(project, '.orchestrate'), { recursive: true });
    out.end('after\n');
    await ended;
    await log.close();
    expect(readFileSync(path, 'utf8')).toBe('attempt 1\nout| before ***\nout| after\n');
    expect(existsSync(join(project, '.orchestrate', '.gitignore'))).toBe(true);

    const second = new TaskLog(path, new SecretMasker([]));
    second.note('a line of the runner');
    await new Promise((resolve) => setTimeout(resolve, 50));
    rmSync(path);
    writeFileSync(path, 'made since\n');
    await second.close();
    expect(readFileSync(path, 'utf8')).toBe('made since\n');
  });
});
