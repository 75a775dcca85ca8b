import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from '../helpers/cli.js';

/** Debian's Chromium (installed by .ci/run); the test says so when it is missing. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function chromium(args: string[]): string {
  const r = spawnSync(CHROMIUM!, [...FLAGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  return r.stdout;
}

const workflow = `version: 1
policy: { maxConcurrency: 2 }
tasks:
  fetch: { run: "sleep 0.2" }
  flaky: { run: "sleep 0.1; [ $ORCHESTRATE_ATTEMPT -ge 2 ]", retry: { maxAttempts: 2, delay: 50ms } }
  build: { run: "sleep 0.3", needs: fetch }
  test: { run: "sleep 0.2", needs: build }
  lint: { run: "sleep 0.1" }
`;

describe('orchestrate report', () => {
  it('writes one self-contained HTML file with the run, its tasks and findings', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const run = JSON.parse(cli(['run', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    const r = cli(['report', run.runId, '--out', 'report.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<link|src=["']?https?:|href=["']?https?:|@import/);
    for (const id of ['fetch', 'flaky', 'build', 'test', 'lint']) expect(html).toContain(`<td>${id}</td>`);
    expect(html).toContain('Bottlenecks');
    // Three tasks ready at once under a limit of two: what they waited for, from the run's last event, as the result says it.
    const concurrency = run.waits.find((w: any) => w.limit === 'concurrency');
    expect(concurrency).toMatchObject({ capacity: 2 });
    const finished = readFileSync(join(run.logDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).pop();
    expect(finished).toMatchObject({ type: 'workflow.finished', waits: run.waits });
    expect(html).toContain(`<h2>Waits</h2>`);
    expect(html).toContain(`<tr><td>concurrency 2</td><td>${concurrency.tasks}</td>`);
    // The latest run by default, written beside it.
    const byDefault = cli(['report'], { cwd: dir });
    expect(byDefault.stdout.trim()).toBe(`.orchestrate/runs/${run.runId}/report.html`);
    expect(cli(['report', 'nope'], { cwd: dir }).code).toBe(2);
    // An earlier report is replaced; any other file is not (a mistyped --out).
    expect(cli(['report', run.runId, '--out', 'report.html'], { cwd: dir }).code).toBe(0);
    const mistyped = cli(['report', run.runId, '--out', 'workflow.yaml'], { cwd: dir });
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toMatch(/^orchestrate: .*workflow\.yaml exists and is not an orchestrate report: not overwritten/);
    expect(readFileSync(join(dir, 'workflow.yaml'), 'utf8')).toBe(workflow);
  });

  it('shows each failed task with why its last attempt failed and its last lines, masked and escaped', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
tasks:
  ok: { run: "true" }
  broken: { run: "echo \\"key=$DEPLOY_KEY <script>\\"; printf '\\\\033[31mfailed\\\\033[0m\\\\n' >&2; exit 5", retry: { maxAttempts: 2, delay: 10ms } }
` });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir, env: { DEPLOY_KEY: 'k-0123456789' } }).code).toBe(1);
    const html = readFileSync(join(dir, cli(['report'], { cwd: dir }).stdout.trim()), 'utf8');
    expect(html).toContain('<h2>Failures</h2>\n<h3 class="failure-of">broken</h3>\n<p>attempt 2 of 2: exit code 5</p>\n<pre class="summary">key=*** &#60;script&#62;\nfailed\nattempt 2 failed: exit code 5</pre>');
    expect(html).not.toContain('k-0123456789');
    // The events said them too: on the retry and on the failure.
    const events = readFileSync(join(dir, cli(['report'], { cwd: dir }).stdout.trim(), '..', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.logTail).map((e) => [e.type, e.logTail])).toEqual([
      ['task.retrying', ['key=*** <script>', 'failed', 'attempt 1 failed: exit code 5']],
      ['task.failed', ['key=*** <script>', 'failed', 'attempt 2 failed: exit code 5']],
    ]);
  });

  it.skipIf(!CHROMIUM)('renders the Gantt bars in headless Chromium (needs Debian\'s chromium package, installed by .ci/run)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': workflow });
    const run = JSON.parse(cli(['run', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    cli(['report', run.runId, '--out', 'report.html'], { cwd: dir });
    const url = `file://${join(dir, 'report.html')}`;
    const dom = chromium(['--dump-dom', url]);
    const bars = [...dom.matchAll(/<rect [^>]*class="bar ([a-z]+)( critical)?"[^>]*>/g)];
    // One bar per attempt: five tasks, one of them retried once.
    expect(bars).toHaveLength(6);
    expect(dom).toContain('data-rendered="6"');
    expect(bars.filter((b) => b[1] === 'failed')).toHaveLength(1);
    const critical = bars.filter((b) => b[2]).map((b) => /data-task="([^"]+)"/.exec(b[0])![1]);
    expect(critical.sort()).toEqual(['build', 'fetch', 'test']);
    expect(dom).toMatch(/<title>flaky - attempt 1 - failed - [\d.]+s/);
    // The axis's ticks: from 0 at a round step, each label distinct (the run lasts about a second: tenths or fifths).
    const ticks = [...dom.matchAll(/<text [^>]*class="axis"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks[0]).toBe('0');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const label of ticks.slice(1)) expect(label).toMatch(/^(\d+ms|\d+(\.\d)?s)$/);
    const shot = join(dir, 'shot.png');
    chromium([`--screenshot=${shot}`, '--window-size=1200,800', url]);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });

  it.skipIf(!CHROMIUM)('draws the time a service was up in a lane of its own (needs Debian\'s chromium package, installed by .ci/run)', () => {
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': `version: 1
policy: { maxConcurrency: 1 }
tasks:
  db: { run: "exec sleep 60", service: true }
  a: { needs: db, run: "sleep 0.3" }
  b: { needs: db, run: "sleep 0.3" }
` });
    expect(cli(['run', 'workflow.yaml'], { cwd: dir }).code).toBe(0);
    expect(cli(['report', '--out', 'report.html'], { cwd: dir }).code).toBe(0);
    const dom = chromium(['--dump-dom', `file://${join(dir, 'report.html')}`]);
    const labels = [...dom.matchAll(/<text [^>]*class="lane" data-lane="(\d+)"[^>]*>([^<]*)<\/text>/g)].map((m) => m[2]);
    expect(labels).toEqual(['slot 1', 'services']);
    const bar = (m: RegExpMatchArray) => ({ task: /data-task="([^"]+)"/.exec(m[0])![1], status: /data-status="([^"]+)"/.exec(m[0])![1], lane: /data-lane="(\d+)"/.exec(m[0])![1], x: Number(/ x="([\d.]+)"/.exec(m[0])![1]), width: Number(/width="([\d.]+)"/.exec(m[0])![1]) });
    const bars = [...dom.matchAll(/<rect [^>]*class="bar [^"]*"[^>]*>/g)].map(bar);
    // Its attempt (start to ready) took the one slot; then it was up while a and b ran in it, one after the other.
    expect(bars.map((b) => `${b.task}:${b.status}:${b.lane}`).sort()).toEqual(['a:succeeded:0', 'b:succeeded:0', 'db:succeeded:0', 'db:up:1']);
    const up = bars.find((b) => b.status === 'up')!;
    const b = bars.find((x) => x.task === 'b')!;
    expect(up.x + up.width).toBeGreaterThanOrEqual(b.x + b.width - 1);
    expect(dom).toContain('service up');
  });

  it.skipIf(!CHROMIUM)('draws one lane per agent slot with --lanes agent (needs Debian\'s chromium package, installed by .ci/run)', () => {
    const agents = `version: 1
policy: { maxConcurrency: 4 }
agents:
  writer: { command: "sleep 0.3", concurrency: 2 }
  reviewer: { command: "sleep 0.1", concurrency: 1 }
tasks:
  w1: { agent: writer, prompt: one }
  w2: { agent: writer, prompt: two }
  w3: { agent: writer, prompt: three }
  r1: { agent: reviewer, prompt: check, needs: w1 }
  r2: { agent: reviewer, prompt: check, needs: w2 }
  notes: { run: "sleep 0.1" }
`;
    const dir = tempProject({ 'package.json': '{}', 'workflow.yaml': agents });
    const run = JSON.parse(cli(['run', 'workflow.yaml', '--json'], { cwd: dir }).stdout);
    expect(run.status).toBe('succeeded');
    expect(cli(['report', '--lanes', 'agent', '--out', 'report.html'], { cwd: dir }).code).toBe(0);
    const dom = chromium(['--dump-dom', `file://${join(dir, 'report.html')}`]);
    const labels = Object.fromEntries([...dom.matchAll(/<text [^>]*class="lane" data-lane="(\d+)"[^>]*>([^<]*)<\/text>/g)].map((m) => [m[1], m[2]]));
    // writer runs two at a time: two lanes; the reviewer one; shell tasks their own.
    expect(Object.values(labels)).toEqual(['reviewer', 'shell', 'writer 1', 'writer 2']);
    const agentOf: Record<string, string> = { w1: 'writer', w2: 'writer', w3: 'writer', r1: 'reviewer', r2: 'reviewer', notes: 'shell' };
    const bars = [...dom.matchAll(/<rect [^>]*class="bar [^"]*"[^>]*>/g)].map((m) => [/data-task="([^"]+)"/.exec(m[0])![1]!, /data-lane="(\d+)"/.exec(m[0])![1]!]);
    expect(bars).toHaveLength(6);
    for (const [task, lane] of bars) expect(labels[lane!], task).toMatch(new RegExp(`^${agentOf[task!]}`));
    expect(cli(['report', '--lanes', 'team'], { cwd: dir }).code).toBe(2);
  });
});
