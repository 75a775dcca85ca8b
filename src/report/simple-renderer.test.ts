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

  it('says what a task and the run spent, when anything: an LLM run\'s costs as they come', () => {
    const end = (type: 'task.succeeded' | 'task.failed', cost?: number) => formatEventLine({ ts: 't', runId: 'r1', type, taskId: 'ask', attempt: 2, durationMs: 1500, cost, reason: type === 'task.failed' ? 'exit code 1' : undefined });
    expect(end('task.succeeded', 0.1 + 0.2)).toBe('t ok    ask in 1.5s, cost 0.3');
    expect(end('task.failed', 0.02)).toBe('t FAIL  ask in 1.5s, cost 0.02: exit code 1');
    expect(end('task.succeeded', 0)).toBe('t ok    ask in 1.5s');
    expect(end('task.succeeded')).toBe('t ok    ask in 1.5s');
    expect(formatEventLine({ ts: 't', runId: 'r1', type: 'workflow.finished', workflow: 'ci', status: 'succeeded', durationMs: 4000, cost: 1.25 })).toBe('t finished ci: succeeded in 4s, cost 1.25');
  });
});
