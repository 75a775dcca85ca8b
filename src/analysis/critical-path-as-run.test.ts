import { describe, expect, it } from 'vitest';
import { criticalPathAsRun } from './critical-path-as-run.js';

describe('criticalPathAsRun', () => {
  it('goes back from the last task to finish through the need that finished last', () => {
    const path = criticalPathAsRun([
      { id: 'a', needs: [], start: 0, end: 1000 },
      { id: 'b', needs: [], start: 0, end: 3000 },
      { id: 'c', needs: ['a', 'b'], start: 3000, end: 4000 },
    ]);
    expect(path).toEqual({ tasks: ['b', 'c'], duration: 4, links: ['need'] });
  });

  it('goes back through the task whose end let a waiting task start: an agent of concurrency 1 makes one chain', () => {
    // a and b need nothing; b waited 3 s for the agent a held; c needed b.
    const path = criticalPathAsRun([
      { id: 'a', needs: [], start: 0, end: 3000 },
      { id: 'b', needs: [], start: 3002, end: 6000, queueWait: 3002 },
      { id: 'quick', needs: [], start: 0, end: 500 },
      { id: 'c', needs: ['b'], start: 6000, end: 6500 },
    ]);
    expect(path).toEqual({ tasks: ['a', 'b', 'c'], duration: 6.5, links: ['wait', 'need'] });
    // A wait of the runner's own pace is no limit: the chain stays on the needs.
    const pace = criticalPathAsRun([
      { id: 'a', needs: [], start: 0, end: 1000 },
      { id: 'b', needs: [], start: 1002, end: 2000, queueWait: 2 },
    ]);
    expect(pace).toEqual({ tasks: ['b'], duration: 0.998, links: [] });
    // A wait that no end freed (a rate limit's window): the needs, as before.
    const rate = criticalPathAsRun([
      { id: 'a', needs: [], start: 0, end: 100 },
      { id: 'b', needs: ['a'], start: 1100, end: 2000, queueWait: 1000 },
    ]);
    expect(rate).toEqual({ tasks: ['a', 'b'], duration: 2, links: ['need'] });
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
    expect(path).toEqual({ tasks: ['plan', 'impl', 'review', 'cleanup'], duration: 5.5, links: ['need', 'need', 'need'] });
    // One that nothing that ran comes before was decided as the run started: the chain stops there.
    expect(criticalPathAsRun([{ id: 'off', needs: [] }, { id: 'after', needs: ['off'], start: 10, end: 20 }])).toEqual({ tasks: ['after'], duration: 0.01, links: [] });
    expect(criticalPathAsRun([{ id: 'off', needs: [] }])).toEqual({ tasks: [], duration: 0, links: [] });
  });
});
