import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Database } from './open-store.js';
import { expansionHash } from '../workflow/definition-hash.js';
import { lastExpansions } from './last-expansions.js';
import { HISTORY_RUNS } from './history-estimates.js';

/** A history of runs of workflow `w`, each recording task `review` (hash `g` unless said) and the expansions given. */
function history(runs: Array<{ id: string; selection?: object; group?: string; expansions: Array<[string, string?, string?]> }>): Database {
  const db = openStore(join(mkdtempSync(join(tmpdir(), 'expansions-')), 'state.db'));
  const run = db.prepare("INSERT INTO runs (id, workflow, file, content_hash, started_at, concurrency, selection) VALUES (?, 'w', '/w.yaml', 'h', ?, 1, ?)");
  const end = db.prepare("INSERT INTO tasks (run_id, task_id, definition_hash, status, reason, attempts, outputs, finished_at) VALUES (?, ?, ?, ?, ?, 1, '{}', ?)");
  runs.forEach((r, k) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, k)).toISOString();
    run.run(r.id, at, r.selection ? JSON.stringify(r.selection) : null);
    end.run(r.id, 'review', r.group ?? 'g', 'succeeded', null, at);
    for (const [id, status = 'succeeded', reason = null] of r.expansions) end.run(r.id, id, expansionHash(r.group ?? 'g', id), status, reason, at);
  });
  return db;
}

describe('lastExpansions', () => {
  it('takes the expansions of the newest run that expanded the task with its definition as it is, in natural order', () => {
    const db = history([
      { id: 'r1', expansions: [['review[old.ts]']] },
      { id: 'r2', expansions: [['review[b10.ts]'], ['review[b9.ts]', 'failed'], ['review[c.ts]', 'cancelled']] },
      // Another definition of the task (edited since): its runs say nothing of this one.
      { id: 'r3', group: 'edited', expansions: [['review[x.ts]']] },
    ]);
    expect(lastExpansions(db, 'w', new Map([['review', 'g']]))).toEqual(new Map([['review', { run: 'r2', ids: ['review[b9.ts]', 'review[b10.ts]', 'review[c.ts]'] }]]));
    expect(lastExpansions(db, 'w', new Map([['review', 'edited']])).get('review')).toEqual({ run: 'r3', ids: ['review[x.ts]'] });
    expect(lastExpansions(db, 'w', new Map([['review', 'never']])).size).toBe(0);
    expect(lastExpansions(db, 'other', new Map([['review', 'g']])).size).toBe(0);
  });

  it('passes over a run whose selection named expansions, and one where the task did not expand', () => {
    const db = history([
      { id: 'r1', expansions: [['review[a.ts]'], ['review[b.ts]']] },
      // Ran only review[a.ts]: its list is short.
      { id: 'r2', selection: { only: 'review[a.ts]' }, expansions: [['review[a.ts]']] },
      { id: 'r3', selection: { tasks: ['review[*]'] }, expansions: [['review[a.ts]']] },
      // A selection of the task whole runs every expansion.
      { id: 'r4', selection: { tasks: ['review'] }, expansions: [['review[a.ts]'], ['review[b.ts]'], ['review[c.ts]']] },
      // Its needs failed: it ended without expanding.
      { id: 'r5', expansions: [] },
    ]);
    expect(lastExpansions(db, 'w', new Map([['review', 'g']])).get('review')).toEqual({ run: 'r4', ids: ['review[a.ts]', 'review[b.ts]', 'review[c.ts]'] });
  });

  it('leaves out the expansions a false `when` skipped, and the tasks of other ids that sort near', () => {
    const db = history([{ id: 'r1', expansions: [['review[a.ts]'], ['review[skip.ts]', 'skipped', 'condition'], ['review[late.ts]', 'skipped', 'budget'], ['reviewer[a]'], ['review-all']] }]);
    expect(lastExpansions(db, 'w', new Map([['review', 'g']])).get('review')).toEqual({ run: 'r1', ids: ['review[a.ts]', 'review[late.ts]'] });
  });

  it(`looks at the workflow's latest ${HISTORY_RUNS} runs only`, () => {
    const db = history([{ id: 'r0000', expansions: [['review[a.ts]']] }, ...Array.from({ length: HISTORY_RUNS }, (_, k) => ({ id: `r${String(k + 1).padStart(4, '0')}`, expansions: [] }))]);
    expect(lastExpansions(db, 'w', new Map([['review', 'g']])).size).toBe(0);
  });
});
