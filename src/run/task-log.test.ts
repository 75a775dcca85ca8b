import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../telemetry/mask.js';
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

  it('says in the tail when the log file cannot be written, and keeps the lines', async () => {
    const log = new TaskLog(join(tmpdir(), 'no-such-dir-for-orchestrate', 'a.log'), new SecretMasker([]));
    await feed(log, ['one', 'two']);
    expect(log.tail().slice(0, 2)).toEqual(['one', 'two']);
    expect(log.tail().filter((l) => l.startsWith('(the log file could not be written: ENOENT'))).toHaveLength(1);
  });
});
