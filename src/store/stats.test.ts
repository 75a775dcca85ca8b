import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { computeStats, percentile } from './stats.js';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('computeStats on known data', () => {
  it('computes runs, success rate, retries, duration percentiles, queue waits and cost per task and agent', () => {
    const db = openStore(join(mkdtempSync(join(tmpdir(), 'stats-')), 'state.db'));
    const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency, status) VALUES (?, 'w', '/w.yaml', 'h', ?, 2, 'succeeded')");
    const task = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, agent, status, reason, attempts, duration_ms, queue_wait_ms, cost, outputs, finished_at) VALUES (?, ?, 'd', ?, ?, NULL, ?, 0, ?, ?, '{}', 'x')");
    const attempt = db.prepare("INSERT INTO attempts (run_id, task_id, definition_hash, attempt, agent, status, started_at, duration_ms) VALUES (?, ?, 'd', ?, ?, ?, ?, ?)");
    for (let r = 1; r <= 20; r++) {
      const id = `r${String(r).padStart(2, '0')}`;
      const at = `2026-01-01T00:00:${String(r).padStart(2, '0')}Z`;
      run.run(id, at);
      // build: durations 1..20 s, waits 0.1 s, one retry every 4th run, failing in run 20.
      const retried = r % 4 === 0;
      if (retried) attempt.run(id, 'build', 1, 'cc', 'failed', at, 500);
      attempt.run(id, 'build', retried ? 2 : 1, 'cc', r === 20 ? 'failed' : 'succeeded', at, r * 1000);
      task.run(id, 'build', 'cc', r === 20 ? 'failed' : 'succeeded', retried ? 2 : 1, 100, 0.5);
    }
    const stats = computeStats(db, '/w.yaml');
    const build = stats.tasks.find((t) => t.name === 'build')!;
    expect(build).toMatchObject({ runs: 20, successRate: 0.95, retriesPerRun: 0.25, costPerRun: 0.5 });
    // Successful durations are 1..19 s.
    expect(build.duration).toEqual({ mean: 10, p50: 10, p95: 19, p99: 19 });
    expect(build.queueWait).toEqual({ mean: 0.1, p95: 0.1 });
    expect(stats.agents.find((a) => a.name === 'cc')).toMatchObject({ runs: 20, successRate: 0.95 });
    // The latest 5 runs only: 16..20, retried in 16 and 20, the last failed; successful durations 16..19 s, oldest first.
    const recent = computeStats(db, '/w.yaml', 5).tasks.find((t) => t.name === 'build')!;
    expect(recent).toMatchObject({ runs: 5, successRate: 0.8, retriesPerRun: 0.4, samples: [16, 17, 18, 19] });
    expect(recent.duration).toEqual({ mean: 17.5, p50: 17, p95: 19, p99: 19 });
    db.close();
  });
});
