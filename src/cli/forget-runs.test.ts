import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import { runDirectory } from '../run/run-dir.js';
import { applyRetention } from './forget-runs.js';

const NOW = Date.parse('2026-06-30T00:00:00Z');
const DAY = 86_400_000;

/** A project with runs of its workflow (and of another file), started `age` days before NOW each, newest last, each with a log directory. */
function project(ages: number[], running?: { index: number; pid: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'retention-'));
  const file = join(dir, 'workflow.yaml');
  const db = openStore(join(dir, '.orchestrate', 'state.db'));
  const insert = db.prepare(`INSERT INTO runs (id, workflow, file, content_hash, started_at, finished_at, concurrency, runner_pid, runner_host, runner_started)
    VALUES (?, 'w', ?, 'h', ?, ?, 1, ?, ?, NULL)`);
  ages.forEach((age, k) => {
    const id = `r${k}`;
    const at = new Date(NOW - age * DAY).toISOString();
    const live = running?.index === k;
    insert.run(id, file, at, live ? null : at, live ? running.pid : null, live ? hostname() : null);
    mkdirSync(runDirectory(dir, id), { recursive: true });
  });
  insert.run('other', join(dir, 'other.yaml'), new Date(NOW - 400 * DAY).toISOString(), new Date(NOW).toISOString(), null, null);
  const left = () => db.prepare('SELECT id FROM runs ORDER BY started_at').pluck().all() as string[];
  return { dir, file, db, left };
}

describe('applyRetention', () => {
  it('forgets the runs past maxRuns, newest kept, with their log directories; other files\' runs are left', () => {
    const p = project([50, 40, 30, 20, 10]);
    expect(applyRetention(p.db, { file: p.file, retention: { maxRuns: 2 } }, 'r4', NOW)).toBe(3);
    expect(p.left()).toEqual(['other', 'r3', 'r4']);
    expect(['r0', 'r1', 'r2', 'r3', 'r4'].map((id) => existsSync(runDirectory(p.dir, id)))).toEqual([false, false, false, true, true]);
  });

  it('forgets the runs older than maxAge, and either limit forgets a run when both are set', () => {
    const p = project([50, 40, 30, 20, 10]);
    expect(applyRetention(p.db, { file: p.file, retention: { maxAge: 35 * 86_400 } }, 'r4', NOW)).toBe(2);
    expect(p.left()).toEqual(['other', 'r2', 'r3', 'r4']);
    expect(applyRetention(p.db, { file: p.file, retention: { maxRuns: 2, maxAge: 15 * 86_400 } }, 'r4', NOW)).toBe(2);
    expect(p.left()).toEqual(['other', 'r4']);
  });

  it('never forgets the run just made, nor one whose runner still runs', () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const p = project([50, 40, 30], { index: 0, pid: sleeper.pid! });
      // The current run is the oldest here (a clock gone back), and older than maxAge: still kept.
      expect(applyRetention(p.db, { file: p.file, retention: { maxRuns: 1, maxAge: 86_400 } }, 'r1', NOW)).toBe(1);
      expect(p.left()).toEqual(['other', 'r0', 'r1']);
      expect(applyRetention(p.db, { file: p.file, retention: {} }, 'r1', NOW)).toBe(0);
    } finally {
      sleeper.kill();
    }
  });
});
