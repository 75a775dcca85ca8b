import { describe, expect, it } from 'vitest';
import { criticalPathAsRun } from './critical-path-as-run.js';

describe('criticalPathAsRun', () => {
  it('goes back from the last task to finish through the need that finished last', () => {
    const path = criticalPathAsRun([
      { id: 'a', needs: [], start: 0, end: 1000 },
      { id: 'b', needs: [], start: 0, end: 3000 },
      { id: 'c', needs: ['a', 'b'], start: 3000, end: 4000 },
    ]);
    expect(path).toEqual({ tasks: ['b', 'c'], duration: 4 });
  });

  it('goes on through a task that did not run, as ending when its last need ended', () => {
    // impl failed at 5 s, review was skipped for it, cleanup (if: always) ran after review.
    const path = criticalPathAsRun([
      { id: 'plan', needs: [], start: 0, end: 1000 },
      { id: 'quick', needs: ['plan'], start: 1000, end: 2000 },
      { id: 'impl', needs: ['plan'], start: 1000, end: 5000 },
      { id: 'review', needs: ['quick', 'impl'] },
      { id: 'cleanup', needs: ['review'], start: 5000, end: 5500 },
    ]);
    expect(path).toEqual({ tasks: ['plan', 'impl', 'review', 'cleanup'], duration: 5.5 });
    // One that nothing that ran comes before was decided as the run started: the chain stops there.
    expect(criticalPathAsRun([{ id: 'off', needs: [] }, { id: 'after', needs: ['off'], start: 10, end: 20 }])).toEqual({ tasks: ['after'], duration: 0.01 });
    expect(criticalPathAsRun([{ id: 'off', needs: [] }])).toEqual({ tasks: [], duration: 0 });
  });
});
