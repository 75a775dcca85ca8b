import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

interface TraceEvent { name: string; ph: string; ts?: number; dur?: number; pid: number; tid: number; cat?: string; args: Record<string, unknown> }

const workflow = `version: 1
policy: { maxConcurrency: 2 }
agents:
  bot: { command: "cat > /dev/null; sleep 0.2", concurrency: 1 }
tasks:
  build: { run: "sleep 0.2" }
  review: { agent: bot, prompt: "look at \${{ matrix.f }}", matrix: { f: [a, b] } }
  test: { run: "echo token=$API_TOKEN >&2; exit 4", needs: build, retry: { maxAttempts: 2, delay: 10ms } }
`;

describe('orchestrate report --format trace', () => {
  it('writes a Chrome trace: an event per attempt on lanes that never overlap, with the run\'s times', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const run = cli(['run', 'workflow.yaml', '--json'], { cwd: dir, env: { API_TOKEN: 'tok-abcdef123' } });
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    const r = cli(['report', '--format', 'trace'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\.orchestrate\/runs\/[^/]+\/trace\.json\n$/);
    const text = readFileSync(join(dir, r.stdout.trim()), 'utf8');
    expect(text).not.toContain('tok-abcdef123');
    const trace = JSON.parse(text) as { otherData: Record<string, string>; traceEvents: TraceEvent[] };
    expect(trace.otherData).toMatchObject({ generator: 'orchestrate report', runId: result.runId, workflow: 'workflow', status: 'failed' });
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    // One per attempt: test ran twice.
    expect(spans.map((e) => `${e.name}#${e.args.attempt}`).sort()).toEqual(['build#1', 'review[a]#1', 'review[b]#1', 'test#1', 'test#2']);
    expect(spans.filter((e) => e.name === 'test').map((e) => e.cat)).toEqual(['failed', 'failed']);
    // Each task starts in the trace where the result says it started, relative to build (both kept to the millisecond).
    const firstStart = (id: string) => Math.min(...spans.filter((e) => e.name === id).map((e) => e.ts!)) / 1000;
    const build = result.tasks.find((t: { id: string }) => t.id === 'build');
    for (const task of result.tasks) {
      expect(Math.abs(firstStart(task.id) - firstStart('build') - (Date.parse(task.startedAt) - Date.parse(build.startedAt)))).toBeLessThanOrEqual(2);
      const busy = spans.filter((e) => e.name === task.id).reduce((sum, e) => sum + e.dur!, 0) / 1000;
      expect(busy).toBeGreaterThanOrEqual(task.id === 'test' ? 0 : 150);
    }
    // Two slots: two named lanes, and no two spans of one lane overlap.
    const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
    expect(names).toEqual(['slot 1', 'slot 2']);
    for (const tid of [1, 2]) {
      const lane = spans.filter((e) => e.tid === tid).sort((a, b) => a.ts! - b.ts!);
      for (let k = 1; k < lane.length; k++) expect(lane[k]!.ts!).toBeGreaterThanOrEqual(lane[k - 1]!.ts! + lane[k - 1]!.dur!);
    }
    expect(spans.find((e) => e.name === 'test' && e.args.attempt === 1)!.args.error).toBe('exit code 4');
  });

  it('puts each agent on its own lanes with --lanes agent, and replaces only its own traces', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(1);
    expect(cli(['report', '--format', 'trace', '--lanes', 'agent', '-o', 'trace.json'], { cwd: dir }).code).toBe(0);
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as { traceEvents: TraceEvent[] };
    const lanes = new Map(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args.name]));
    // The agent's concurrency of 1 shows as one lane holding both reviews.
    expect([...lanes.values()]).toEqual(['bot', 'shell']);
    const reviews = trace.traceEvents.filter((e) => e.ph === 'X' && e.name.startsWith('review'));
    expect(new Set(reviews.map((e) => lanes.get(e.tid)))).toEqual(new Set(['bot']));
    // Run again over it: an earlier trace is replaced; a file of the user's is not.
    expect(cli(['report', '--format', 'trace', '-o', 'trace.json'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'mine.json'), '{"mine": true}\n');
    const refused = cli(['report', '--format', 'trace', '-o', 'mine.json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not an orchestrate report: not overwritten');
    expect(readFileSync(join(dir, 'mine.json'), 'utf8')).toBe('{"mine": true}\n');
  });

  it('puts the time a service was up, until it stopped, on a thread of its own (category up)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  db: { run: "exec sleep 60", service: true }
  user: { needs: db, run: "sleep 0.3" }
` });
    expect(cli(['run', 'workflow.yaml', '--events', 'events.jsonl'], { cwd: dir }).code).toBe(0);
    expect(cli(['report', '--format', 'trace', '-o', 'trace.json'], { cwd: dir }).code).toBe(0);
    const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as { traceEvents: TraceEvent[] };
    const lanes = new Map(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args.name]));
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    const up = spans.filter((e) => e.cat === 'up');
    expect(up.map((e) => [e.name, lanes.get(e.tid), e.args.status])).toEqual([['db', 'services', 'up']]);
    // From its success to its stop, as the events say.
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; taskId?: string; ts: string });
    const ts = (type: string) => Date.parse(events.find((e) => e.type === type && e.taskId === 'db')!.ts);
    expect(Math.abs(up[0]!.dur! / 1000 - (ts('task.stopped') - ts('task.succeeded')))).toBeLessThanOrEqual(2);
    const user = spans.find((e) => e.name === 'user')!;
    expect(up[0]!.ts! + up[0]!.dur!).toBeGreaterThanOrEqual(user.ts! + user.dur! - 2000);
  });
});
