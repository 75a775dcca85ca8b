import { describe, expect, it } from 'vitest';
import { formatEventLine } from './simple-renderer.js';

describe('formatEventLine', () => {
  const started = (tasks: number) => formatEventLine({ ts: '2026-11-27T10:00:00.000Z', runId: 'r1', type: 'workflow.started', workflow: 'ci', tasks, concurrency: 4 });

  it('counts the tasks of a run in words that agree with the number', () => {
    expect(started(1)).toBe('2026-11-27T10:00:00.000Z run r1: ci, 1 task, concurrency 4');
    expect(started(3)).toBe('2026-11-27T10:00:00.000Z run r1: ci, 3 tasks, concurrency 4');
  });

  it('names the attempt of a start after the first', () => {
    expect(formatEventLine({ ts: 't', runId: 'r1', type: 'task.started', taskId: 'build', attempt: 1 })).toBe('t start build');
    expect(formatEventLine({ ts: 't', runId: 'r1', type: 'task.started', taskId: 'build', attempt: 2 })).toBe('t start build (attempt 2)');
  });
});
