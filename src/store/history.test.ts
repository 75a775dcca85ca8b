import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../telemetry/events.js';
import { loadWorkflowText } from '../workflow/load.js';
import { openStore, type Database } from './open-store.js';
import { HISTORY_RUNS, historyCosts, historyEstimates, historyRetryTimes, median } from './history-estimates.js';
import { seededRandom } from '../util/random.js';
import { RunRecorder } from './recorder.js';
import { expansionHash } from '../workflow/definition-hash.js';

afterEach(() => {
  vi.useRealTimers();
});

function store(): Database {
  return openStore(join(mkdtempSync(join(tmpdir(), 'history-')), 'state.db'));
}

describe('historyEstimates', () => {
  it('takes the median of the last 10 successful attempts with the same definition, newest runs first', () => {
    const db = store();
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, ?, '/w.yaml', 'h', ?, 1)");
    const attempt = db.prepare("INSERT INTO attempts (run_id, task_id, definition_hash, attempt, status, started_at, duration_ms) VALUES (?, ?, ?, 1, ?, ?, ?)");
    for (let r = 1; r <= 30; r++) {
      const id = `r${String(r).padStart(2, '0')}`;
      const at = `2026-01-01T00:00:${String(r).padStart(2, '0')}Z`;
      run.run(id, 'w', at);
      // build: r seconds; the last 10 runs are 21..30 s, median 25.5.
      attempt.run(id, 'build', 'd1', 'succeeded', at, r * 1000);
      // test: failed attempts and another definition do not count.
      attempt.run(id, 'test', r % 2 ? 'd2' : 'old', r % 3 ? 'succeeded' : 'failed', at, r * 1000);
    }
    run.run('other', 'elsewhere', '2026-01-02T00:00:00Z');
    attempt.run('other', 'build', 'd1', 'succeeded', '2026-01-02T00:00:00Z', 999_000);
    const estimates = historyEstimates(db, 'w', new Map([['build', 'd1'], ['test', 'd2'], ['new', 'd3']]));
    expect(estimates.get('build')).toBe(25.5);
    // test with d2 and succeeded: odd r not divisible by 3, newest first: 29, 25, 23, 19, 17, 13, 11, 7, 5, 1 -> median (17+13)/2.
    expect(estimates.get('test')).toBe(15);
    expect(estimates.has('new')).toBe(false);
  });

  it(`looks at the latest ${HISTORY_RUNS} runs of the workflow only`, () => {
    const db = store();
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, 'w', '/w.yaml', 'h', ?, 1)");
    const attempt = db.prepare("INSERT INTO attempts (run_id, task_id, definition_hash, attempt, status, started_at, duration_ms) VALUES (?, ?, 'd', 1, 'succeeded', ?, ?)");
    for (let r = 0; r < HISTORY_RUNS + 5; r++) {
      const id = `r${String(r).padStart(4, '0')}`;
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, r)).toISOString();
      run.run(id, at);
      // rare ran only in the 5 oldest runs; often in every run.
      if (r < 5) attempt.run(id, 'rare', at, 1000);
      attempt.run(id, 'often', at, 2000);
    }
    const estimates = historyEstimates(db, 'w', new Map([['rare', 'd'], ['often', 'd']]));
    expect(estimates.get('often')).toBe(2);
    expect(estimates.has('rare')).toBe(false);
  });
});

describe('historyEstimates of a matrix from outputs', () => {
  it('takes the time its expansions took together, but not from a resume that reused some of them and ran only the others', () => {
    const db = store();
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, 'w', '/w.yaml', 'h', ?, 1)");
    const end = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, duration_ms, outputs, finished_at) VALUES (?, ?, ?, 'succeeded', ?, ?, ?, '{}', ?)");
    ['r1', 'r2', 'r3'].forEach((id, k) => {
      const at = `2026-01-01T00:00:0${k}Z`;
      run.run(id, at);
      // r1 and r2 ran all three expansions (10 s and 12 s); r3 resumed, reusing two, and ran one (2 s).
      end.run(id, 'review', 'g', null, 0, id === 'r3' ? 2000 : 10000 + 2000 * k, at);
      for (const f of ['a', 'b', 'c']) end.run(id, `review[${f}]`, expansionHash('g', `review[${f}]`), id === 'r3' && f !== 'c' ? 'reused' : null, id === 'r3' && f !== 'c' ? 0 : 1, 1000, at);
      // A task whose id starts like the group's is not one of its expansions.
      end.run(id, 'reviewer', 'h', 'reused', 0, 0, at);
    });
    const estimates = historyEstimates(db, 'w', new Map([['review', 'g']]));
    expect(estimates.get('review')).toBe(11);
    db.prepare("DELETE FROM tasks WHERE run_id = 'r3' AND reason = 'reused' AND task_id <> 'reviewer'").run();
    expect(historyEstimates(db, 'w', new Map([['review', 'g']])).get('review')).toBe(10);
  });
});

describe('historyEstimates on sparse histories', () => {
  it('finds what a run-by-run read of the latest runs finds, also for tasks that seldom ran, a matrix from outputs among them', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rnd = seededRandom(seed);
      const db = store();
      const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, ?, '/w.yaml', 'h', ?, 1)");
      const attempt = db.prepare('INSERT INTO attempts (run_id, task_id, definition_hash, attempt, status, started_at, duration_ms) VALUES (?, ?, ?, 1, ?, ?, ?)');
      const group = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, duration_ms, outputs, finished_at) VALUES (?, ?, 'd', ?, NULL, 0, ?, '{}', ?)");
      // How often each task ran: every time, often, seldom, only long ago, never.
      const tasks = { always: 1, often: 0.6, seldom: 0.08, never: 0, group: 0.3 } as Record<string, number>;
      const history: Array<{ id: string; rows: Array<{ task: string; hash: string; ok: boolean; ms: number }> }> = [];
      const count = HISTORY_RUNS + 20;
      for (let r = 0; r < count; r++) {
        const id = `r${String(r).padStart(4, '0')}`;
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, r)).toISOString();
        run.run(id, r % 7 === 0 ? 'other' : 'w', at);
        const rows = [];
        for (const [task, often] of Object.entries(tasks)) {
          if (rnd() >= often && !(task === 'seldom' && r < 40 && rnd() < 0.5)) continue;
          const row = { task, hash: rnd() < 0.15 ? 'old' : 'd', ok: rnd() < 0.85, ms: Math.round(rnd() * 10_000) };
          if (task === 'group') group.run(id, task, row.ok ? 'succeeded' : 'failed', row.ms, at);
          else attempt.run(id, task, row.hash, row.ok ? 'succeeded' : 'failed', at, row.ms);
          rows.push(task === 'group' ? { ...row, hash: 'd' } : row);
        }
        if (r % 7 !== 0) history.push({ id, rows });
      }
      // By hand: the latest runs of w, newest first; each task's first 10 successes of its definition.
      const expected = new Map<string, number>();
      for (const task of Object.keys(tasks)) {
        const found: number[] = [];
        for (const { rows } of history.slice(-HISTORY_RUNS).reverse()) {
          const row = rows.find((x) => x.task === task && x.ok && x.hash === 'd');
          if (row && found.length < 10) found.push(row.ms / 1000);
        }
        if (found.length) expected.set(task, median(found));
      }
      const estimates = historyEstimates(db, 'w', new Map(Object.keys(tasks).map((task) => [task, 'd'])));
      expect(estimates, `seed ${seed}`).toEqual(expected);
      expect(estimates.has('never')).toBe(false);
      expect(estimates.has('seldom'), `seed ${seed}`).toBe(true);
    }
  });
});

describe('historyRetryTimes', () => {
  it('averages what failed attempts and backoff added to the successes of the latest 10 runs, per definition', () => {
    const db = store();
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, ?, '/w.yaml', 'h', ?, 1)");
    const attempt = db.prepare("INSERT INTO attempts (run_id, task_id, definition_hash, attempt, status, started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const end = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, duration_ms, outputs, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?)");
    /** A task's end in a run: `tries` attempts, the last one `lastMs` long, `totalMs` from its first start. */
    const ended = (id: string, at: string, task: string, hash: string, status: string, tries: number, lastMs: number, totalMs: number, reason: string | null = null) => {
      for (let k = 1; k <= tries; k++) attempt.run(id, task, hash, k, k < tries ? 'failed' : status, at, k < tries ? 1000 : lastMs);
      end.run(id, task, hash, status, reason, tries, totalMs, at);
    };
    for (let r = 1; r <= 14; r++) {
      const id = `r${String(r).padStart(2, '0')}`;
      const at = `2026-01-01T00:00:${String(r).padStart(2, '0')}Z`;
      run.run(id, 'w', at);
      // flaky: in the latest 10 runs (5..14) it needed a retry in 3, each adding 2.5 s; in older runs, 100 s each time.
      const retried = r <= 4 || r % 3 === 0;
      ended(id, at, 'flaky', 'd', 'succeeded', retried ? 2 : 1, 500, retried ? (r <= 4 ? 100_500 : 3000) : 510);
      // steady succeeds at once; changed was retried under another definition only; failing never succeeds.
      ended(id, at, 'steady', 'd', 'succeeded', 1, 700, 720);
      ended(id, at, 'changed', r % 2 ? 'old' : 'd', 'succeeded', r % 2 ? 3 : 1, 400, r % 2 ? 9000 : 400);
      ended(id, at, 'failing', 'd', 'failed', 3, 400, 9000);
      // A reused end (no attempts of its own this run) says nothing of retries.
      if (r === 14) end.run(id, 'reused', 'd', 'succeeded', 'reused', 0, 0, at);
    }
    run.run('other', 'elsewhere', '2026-01-02T00:00:00Z');
    ended('other', '2026-01-02T00:00:00Z', 'steady', 'd', 'succeeded', 2, 700, 60_000);
    const times = historyRetryTimes(db, 'w', new Map([['flaky', 'd'], ['steady', 'd'], ['changed', 'd'], ['failing', 'd'], ['reused', 'd']]));
    // Runs 6, 9 and 12 of the latest ten: (3 x 2.5 s) / 10.
    expect([...times.keys()]).toEqual(['flaky']);
    expect(times.get('flaky')).toBeCloseTo(0.75, 9);
  });
});

describe('historyCosts', () => {
  it('averages what runs of a task that ran cost in the latest 10 runs, per definition, while it declared the cost it declares now', () => {
    const db = store();
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, ?, '/w.yaml', 'h', ?, 1)");
    const end = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, cost, declared_cost, outputs, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)");
    for (let r = 1; r <= 14; r++) {
      const id = `r${String(r).padStart(2, '0')}`;
      const at = `2026-01-01T00:00:${String(r).padStart(2, '0')}Z`;
      run.run(id, 'w', at);
      // review reported 0.3 a run in the latest ten (0.6 in two of them: a retry), 5 in older runs.
      end.run(id, 'review', 'd', r % 5 === 0 ? 'failed' : 'succeeded', r % 5 === 0 ? 'exit code 1' : null, r % 4 === 0 ? 2 : 1, r <= 4 ? 5 : r % 4 === 0 ? 0.6 : 0.3, 0.1, at);
      // repriced declared 0.2 until run 12 and 0.5 since: only the runs since count.
      end.run(id, 'repriced', 'd', 'succeeded', null, 1, r >= 12 ? 0.5 : 0.2, r >= 12 ? 0.5 : 0.2, at);
      // old was recorded before the column (null), changed under another definition, skipped and memoized did not run.
      end.run(id, 'old', 'd', 'succeeded', null, 1, 3, null, at);
      end.run(id, 'changed', 'x', 'succeeded', null, 1, 3, 0, at);
      end.run(id, 'memoized', 'd', 'succeeded', 'memoized', 0, 0, 1, at);
      end.run(id, 'skipped', 'd', 'skipped', 'budget', 0, 0, 1, at);
    }
    run.run('other', 'elsewhere', '2026-01-02T00:00:00Z');
    end.run('other', 'review', 'd', 'succeeded', null, 1, 100, 0.1, '2026-01-02T00:00:00Z');
    const hashes = new Map(['review', 'repriced', 'old', 'changed', 'memoized', 'skipped'].map((id) => [id, 'd']));
    const costs = historyCosts(db, 'w', hashes, new Map([['review', 0.1], ['repriced', 0.5], ['old', 3], ['changed', 0], ['memoized', 1], ['skipped', 1]]));
    expect([...costs.keys()].sort()).toEqual(['repriced', 'review']);
    // Runs 5..14: 8, 12 cost 0.6, the others 0.3 (failures count: they spent it too).
    expect(costs.get('review')).toBeCloseTo((8 * 0.3 + 2 * 0.6) / 10, 9);
    expect(costs.get('repriced')).toBeCloseTo(0.5, 9);
    // Declared another cost now: nothing recorded counts.
    expect(historyCosts(db, 'w', hashes, new Map([['review', 0.2]])).size).toBe(0);
  });

  it('plans a matrix from outputs at what its expansions cost together in a run, and each expansion at its own', () => {
    const db = store();
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency) VALUES (?, 'w', '/w.yaml', 'h', ?, 1)");
    const end = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, cost, declared_cost, outputs, finished_at) VALUES (?, ?, ?, 'succeeded', NULL, ?, ?, ?, '{}', ?)");
    // Two runs: three files, then two; the group itself never runs (no attempts, no cost).
    const files = [['a', 'b', 'c'], ['a', 'b']];
    files.forEach((list, r) => {
      const at = `2026-01-01T00:00:0${r}Z`;
      run.run(`r${r}`, at);
      end.run(`r${r}`, 'review', 'g', 0, 0, 0.01, at);
      for (const f of list) end.run(`r${r}`, `review[${f}]`, expansionHash('g', `review[${f}]`), 1, f === 'a' ? 0.05 : 0.03, 0.01, at);
      // Under another definition of the group, or another task's, an expansion does not count.
      end.run(`r${r}`, 'review[stale]', expansionHash('old', 'review[stale]'), 1, 9, 0.01, at);
      end.run(`r${r}`, 'other[x]', expansionHash('g', 'other[x]'), 1, 9, 0.01, at);
    });
    // A resume that reused review[a] and review[b] ran review[c] alone: its sum (0.03) is not what the fan-out costs.
    run.run('r2', '2026-01-01T00:00:02Z');
    for (const f of ['a', 'b']) db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, cost, declared_cost, outputs, finished_at) VALUES ('r2', ?, ?, 'succeeded', 'reused', 0, 0, 0.01, '{}', '2026-01-01T00:00:02Z')").run(`review[${f}]`, expansionHash('g', `review[${f}]`));
    end.run('r2', 'review[c]', expansionHash('g', 'review[c]'), 1, 0.06, 0.01, '2026-01-01T00:00:02Z');
    const costs = historyCosts(db, 'w', new Map([['review', 'g']]), new Map([['review', 0.01]]), 10, new Set(['review']));
    expect(costs.get('review')).toBeCloseTo((0.11 + 0.08) / 2, 9);
    expect(costs.get('review[a]')).toBeCloseTo(0.05, 9);
    // What an expansion cost when it ran counts, resumed or not.
    expect(costs.get('review[c]')).toBeCloseTo((0.03 + 0.06) / 2, 9);
    expect([...costs.keys()].sort()).toEqual(['review', 'review[a]', 'review[b]', 'review[c]']);
    // Not a matrix from outputs now: its expansions say nothing of it.
    expect(historyCosts(db, 'w', new Map([['review', 'g']]), new Map([['review', 0.01]])).size).toBe(0);
  });
});

describe('RunRecorder', () => {
  const workflow = loadWorkflowText('version: 1\nname: w\ntasks:\n  a: { run: x }\n  b: { run: x }\n  c: { run: x }\n', '/x/w.yaml').workflow!;
  const event = (type: RunEvent['type'], taskId?: string): RunEvent => ({ ts: new Date().toISOString(), runId: 'r1', type, taskId, attempt: taskId ? 1 : undefined });
  const stored = (db: Database) => (db.prepare("SELECT task_id FROM tasks WHERE run_id = 'r1' ORDER BY rowid").pluck().all() as string[]);

  it('writes the task ends of one tick together before the tick is over, other events within 100 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const db = store();
    const recorder = new RunRecorder(db, workflow, { runId: 'r1', file: '/x/w.yaml', contentHash: 'h', concurrency: 2 });
    recorder.onEvent({ ...event('workflow.started'), workflow: 'w' });
    recorder.onEvent(event('task.started', 'a'));
    recorder.onEvent(event('task.succeeded', 'a'));
    recorder.onEvent(event('task.succeeded', 'b'));
    expect(stored(db)).toEqual([]);
    // What was queued after the ends in the same tick (the dependents' spawn requests) runs after the write.
    const seen = await new Promise<string[]>((resolve) => process.nextTick(() => resolve(stored(db))));
    expect(seen).toEqual(['a', 'b']);
    expect(db.prepare("SELECT status FROM attempts WHERE run_id = 'r1' AND task_id = 'a'").pluck().get()).toBe('succeeded');
    // Starts and other events wait up to 100 ms.
    recorder.onEvent(event('task.queued', 'c'));
    vi.advanceTimersByTime(99);
    const queued = () => db.prepare("SELECT count(*) FROM events WHERE event LIKE '%task.queued%'").pluck().get();
    expect(queued()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queued()).toBe(1);
    // The run's end is written at once, with everything before it.
    recorder.onEvent(event('task.succeeded', 'c'));
    recorder.onEvent({ ...event('workflow.finished'), status: 'succeeded', durationMs: 10 });
    expect(stored(db)).toEqual(['a', 'b', 'c']);
    expect(db.prepare("SELECT status FROM runs WHERE id = 'r1'").pluck().get()).toBe('succeeded');
  });

  it('records an attempt that starts and ends in one batch as one that spans two: the same row, retries included', () => {
    const attempts = (together: boolean) => {
      const db = store();
      const recorder = new RunRecorder(db, workflow, { runId: 'r1', file: '/x/w.yaml', contentHash: 'h', concurrency: 2 });
      recorder.onEvent({ ...event('workflow.started'), workflow: 'w' });
      const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();
      const batches: RunEvent[][] = [
        [{ ts: at(0), runId: 'r1', type: 'task.started', taskId: 'a', attempt: 1, queueWaitMs: 5 }],
        [{ ts: at(250), runId: 'r1', type: 'task.retrying', taskId: 'a', attempt: 1, exitCode: 3, errorKind: 'exit-code', reason: 'exit code 3', delayMs: 0 }],
        [{ ts: at(300), runId: 'r1', type: 'task.started', taskId: 'a', attempt: 2, queueWaitMs: 7 }],
        [{ ts: at(1300), runId: 'r1', type: 'task.succeeded', taskId: 'a', attempt: 2, exitCode: 0, cost: 0.5, durationMs: 1300 }],
        [{ ts: at(1400), runId: 'r1', type: 'task.skipped', taskId: 'b', reason: 'condition' }],
      ];
      for (const batch of together ? [batches.flat()] : batches) {
        for (const e of batch) recorder.onEvent(e);
        recorder.flush();
      }
      return db.prepare("SELECT task_id, attempt, status, started_at, finished_at, round(duration_ms) AS ms, queue_wait_ms, exit_code, cost, error_kind, error_message, definition_hash FROM attempts WHERE run_id = 'r1' ORDER BY task_id, attempt").all();
    };
    const apart = attempts(false);
    expect(apart).toHaveLength(2);
    expect(apart[0]).toMatchObject({ attempt: 1, status: 'failed', ms: 250, queue_wait_ms: 5, exit_code: 3, error_kind: 'exit-code', error_message: 'exit code 3' });
    expect(apart[1]).toMatchObject({ attempt: 2, status: 'succeeded', ms: 1000, queue_wait_ms: 7, exit_code: 0, cost: 0.5, error_message: null });
    expect(attempts(true)).toEqual(apart);
  });

  it('goes on when the history cannot be written (a full disk), and says why', () => {
    const db = store();
    const recorder = new RunRecorder(db, workflow, { runId: 'r1', file: '/x/w.yaml', contentHash: 'h', concurrency: 2 });
    recorder.onEvent({ ...event('workflow.started'), workflow: 'w' });
    recorder.flush();
    // Any write now fails, as it would on a full disk.
    db.close();
    expect(() => {
      recorder.onEvent(event('task.succeeded', 'a'));
      recorder.flush();
      recorder.onEvent({ ...event('workflow.finished'), status: 'succeeded', durationMs: 10 });
    }).not.toThrow();
    expect(recorder.failure).toMatch(/not open/);
  });
});
