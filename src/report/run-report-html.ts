import type { Finding } from '../analysis/bottlenecks.js';
import { limitLabel } from './waits-text.js';
import type { ReportData } from '../store/queries.js';
import { criticalPathAsRun } from '../analysis/critical-path-as-run.js';
import { formatDuration } from '../util/duration.js';
import { approvalWaitNote } from './approval-wait-text.js';
import { REPORT_SUMMARY_BYTES, summariesWithin } from './task-summaries.js';
import { lastFailures, REPORT_TAILS, whyItFailed } from './last-failures.js';
import { axisTicks } from './axis-ticks.js';

export interface ReportBar {
  task: string;
  attempt: number;
  status: string;
  lane: number;
  /** Seconds from the start of the run. */
  start: number;
  end: number;
  /** Seconds the attempt waited in the queue before `start`. */
  wait: number;
  critical: boolean;
  message: string | null;
}

/** The tasks of the critical path as it ran, from the attempts' start and end times. */
function criticalChain(data: ReportData): Set<string> {
  const span = new Map<string, { start: number; end: number; queueWait: number }>();
  for (const a of data.attempts) {
    if (!a.finishedAt) continue;
    const previous = span.get(a.taskId);
    const start = Date.parse(a.startedAt);
    // The queue wait before the task's first start is what says it waited for a limit.
    const first = !previous || start < previous.start;
    span.set(a.taskId, { start: Math.min(previous?.start ?? Infinity, start), end: Math.max(previous?.end ?? 0, Date.parse(a.finishedAt)), queueWait: first ? a.queueWaitMs ?? 0 : previous.queueWait });
  }
  // A task that ended without running has no attempt: the chain goes on through it to its needs.
  return new Set(criticalPathAsRun(data.tasks.map((t) => ({ id: t.id, needs: t.needs, ...span.get(t.id) }))).tasks);
}

export type LaneMode = 'slot' | 'agent';

/** The first lane free at `start` (`ends`: when each lane frees up; a new one if none is), now taken until `end`. */
function freeLane(ends: number[], start: number, end: number): number {
  let lane = ends.findIndex((e) => e <= start + 1e-9);
  if (lane === -1) lane = ends.push(0) - 1;
  ends[lane] = end;
  return lane;
}

/** In the head of every report: what `orchestrate report` may overwrite. */
export const REPORT_MARK = '<meta name="generator" content="orchestrate report">';

/**
 * Attempts as bars, each in the first free lane at its start: lanes are
 * concurrency slots, or (`agent`) each agent's own slots, shell tasks under
 * "shell", so an agent's concurrency limit shows as its number of lanes.
 */
export function layoutBars(data: ReportData, mode: LaneMode = 'slot'): { bars: ReportBar[]; lanes: number; laneNames: string[]; wall: number } {
  const t0 = Date.parse(data.run.started_at);
  const t1 = data.run.finished_at ? Date.parse(data.run.finished_at) : Math.max(t0, ...data.attempts.map((a) => Date.parse(a.finishedAt ?? a.startedAt)));
  const critical = criticalChain(data);
  const agentOf = new Map(data.tasks.map((t) => [t.id, t.agent ?? 'shell']));
  const group = (taskId: string) => (mode === 'agent' ? agentOf.get(taskId) ?? 'shell' : '');
  // Per group, when each of its lanes frees up.
  const groups = new Map<string, number[]>();
  const placed: Array<{ group: string; sub: number; bar: Omit<ReportBar, 'lane'> }> = [];
  for (const a of [...data.attempts].sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt))) {
    const start = (Date.parse(a.startedAt) - t0) / 1000;
    const end = ((a.finishedAt ? Date.parse(a.finishedAt) : t1) - t0) / 1000;
    const name = group(a.taskId);
    const ends = groups.get(name) ?? [];
    groups.set(name, ends);
    const sub = freeLane(ends, start, end);
    placed.push({ group: name, sub, bar: { task: a.taskId, attempt: a.attempt, status: a.status, start, end, wait: (a.queueWaitMs ?? 0) / 1000, critical: critical.has(a.taskId), message: a.errorMessage } });
  }
  // Lanes in order: groups by name (slot mode has one group), then their slots.
  const first = new Map<string, number>();
  const laneNames: string[] = [];
  for (const name of [...groups.keys()].sort()) {
    first.set(name, laneNames.length);
    const count = groups.get(name)!.length;
    for (let i = 0; i < count; i++) laneNames.push(mode === 'agent' ? (count > 1 ? `${name} ${i + 1}` : name) : `slot ${i + 1}`);
  }
  if (!laneNames.length) laneNames.push(mode === 'agent' ? 'shell' : 'slot 1');
  const bars: ReportBar[] = placed.map((p) => ({ ...p.bar, lane: first.get(p.group)! + p.sub }));
  bars.push(...serviceBars(data, t0, t1, laneNames));
  return { bars, lanes: laneNames.length, laneNames, wall: Math.max(0.001, (t1 - t0) / 1000) };
}

/**
 * The time services were up, as bars (status `up`) in lanes of their own after
 * the others: once ready a service holds no slot. One still up, or whose runner
 * died, is drawn to the end of the run. Adds its lanes to `laneNames`.
 */
function serviceBars(data: ReportData, t0: number, t1: number, laneNames: string[]): ReportBar[] {
  const ends: number[] = [];
  const bars: ReportBar[] = [];
  for (const span of [...data.services].sort((x, y) => Date.parse(x.since) - Date.parse(y.since))) {
    const start = (Date.parse(span.since) - t0) / 1000;
    const end = ((span.stoppedAt ? Date.parse(span.stoppedAt) : t1) - t0) / 1000;
    bars.push({ task: span.task, attempt: span.attempt, status: 'up', lane: freeLane(ends, start, end), start, end, wait: 0, critical: false, message: span.how === 'exited' ? 'the service ended on its own' : null });
  }
  const firstLane = laneNames.length;
  ends.forEach((_, k) => laneNames.push(ends.length > 1 ? `services ${k + 1}` : 'services'));
  for (const bar of bars) bar.lane += firstLane;
  return bars;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const seconds = (s: number | null | undefined) => (s === null || s === undefined ? '-' : formatDuration(s));

// The page draws its Gantt from the embedded data with a small script: no network, no CDN.
const SCRIPT = `(() => {
const data = JSON.parse(document.getElementById('report-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const width = 1100, laneHeight = 26, top = 24;
const left = Math.min(200, Math.max(70, 10 + 7 * Math.max(...data.laneNames.map((n) => n.length))));
const svg = document.getElementById('gantt');
const height = top + data.lanes * laneHeight + 10;
svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
svg.setAttribute('height', height);
const x = (s) => left + (s / data.wall) * (width - left - 10);
const el = (name, attrs, parent) => { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); (parent || svg).appendChild(e); return e; };
const axisTicks = ${axisTicks.toString()};
for (const { at, label } of axisTicks(data.wall)) {
  el('line', { x1: x(at), x2: x(at), y1: top - 6, y2: height - 6, class: 'grid' });
  el('text', { x: x(at), y: top - 10, class: 'axis', 'text-anchor': 'middle' }).textContent = label;
}
for (let lane = 0; lane < data.lanes; lane++) el('text', { x: 4, y: top + lane * laneHeight + 17, class: 'lane', 'data-lane': lane }).textContent = data.laneNames[lane].slice(0, 27);
for (const b of data.bars) {
  const y = top + b.lane * laneHeight + 3;
  if (b.wait > 0) el('rect', { x: x(Math.max(0, b.start - b.wait)), y: y - 3, width: Math.max(1, x(b.start) - x(Math.max(0, b.start - b.wait))), height: 3, class: 'wait', 'data-task': b.task });
  const g = el('g', { class: 'bar-group' });
  const rect = el('rect', { x: x(b.start), y: y, width: Math.max(2, x(b.end) - x(b.start)), height: laneHeight - 6, rx: 3,
    class: 'bar ' + b.status + (b.critical ? ' critical' : ''), 'data-task': b.task, 'data-lane': b.lane, 'data-attempt': b.attempt, 'data-status': b.status, 'data-critical': b.critical }, g);
  el('title', {}, rect).textContent = b.task + ' - attempt ' + b.attempt + ' - ' + b.status + ' - ' + (Math.round((b.end - b.start) * 1000) / 1000) + 's' + (b.wait > 0 ? ' - waited ' + (Math.round(b.wait * 1000) / 1000) + 's' : '') + (b.message ? ' - ' + b.message : '');
  const w = x(b.end) - x(b.start);
  if (w > 40) el('text', { x: x(b.start) + 4, y: y + 14, class: 'label' }, g).textContent = (b.task + (b.attempt > 1 ? ' #' + b.attempt : '')).slice(0, Math.floor(w / 7));
}
document.body.setAttribute('data-rendered', String(data.bars.length));
})();
`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } .meta { color: #555; margin-bottom: 16px; }
.status-succeeded { color: #1a7f37; } .status-failed { color: #cf222e; } .status-cancelled { color: #9a6700; }
svg { width: 100%; max-width: 1100px; border: 1px solid #ddd; background: #fff; }
.grid { stroke: #eee; } .axis, .lane { font-size: 11px; fill: #666; }
.bar.succeeded { fill: #2da44e; } .bar.failed { fill: #cf222e; } .bar.cancelled, .bar.running { fill: #8c959f; } .bar.up { fill: #54aeff; }
.bar.critical { stroke: #0b0b45; stroke-width: 3; }
.wait { fill: #d4a72c; opacity: 0.8; }
.label { font-size: 11px; fill: #fff; pointer-events: none; }
.legend span { display: inline-block; margin-right: 14px; } .sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
table { border-collapse: collapse; margin-top: 18px; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
.summary { white-space: pre-wrap; background: #f6f8fa; padding: 8px 12px; max-width: 1100px; }
.finding { margin: 6px 0; } .sev-high { color: #cf222e; font-weight: 600; } .sev-medium { color: #9a6700; font-weight: 600; } .sev-low { color: #555; }
`;

/** One self-contained HTML page: the run as a Gantt timeline, the task table, the failures with their last lines, the summaries, what tasks waited for and the bottleneck findings. */
export function formatRunReport(data: ReportData, findings: Finding[], lanes: LaneMode = 'slot'): string {
  const layout = layoutBars(data, lanes);
  const run = data.run;
  const wall = run.wall_time ?? layout.wall;
  const speedup = wall > 0 ? Math.round((data.serialTime / wall) * 100) / 100 : 1;
  const embedded = JSON.stringify({ ...layout }).replace(/</g, '\\u003c');
  const critical = new Set(layout.bars.filter((b) => b.critical).map((b) => b.task));
  const rows = data.tasks.map((t) => `<tr><td>${escape(t.id)}</td><td class="status-${escape(t.status)}">${escape(t.status)}${t.reason ? ` (${escape(t.reason)})` : ''}</td><td>${t.attempts}</td><td>${seconds(t.durationMs === null ? null : t.durationMs / 1000)}</td><td>${seconds(t.queueWaitMs === null ? null : t.queueWaitMs / 1000)}</td><td>${t.cost}</td><td>${critical.has(t.id) ? 'yes' : ''}</td></tr>`).join('\n');
  // Shown as the text it is: the page renders no Markdown (it would need a renderer, and a sanitizer for the HTML Markdown may hold).
  const { shown, left } = summariesWithin(data.tasks, REPORT_SUMMARY_BYTES);
  const more = left ? `\n<p class="summary-left">${left} more task ${left === 1 ? 'summary is' : 'summaries are'} not shown: the page holds at most ${REPORT_SUMMARY_BYTES / 1024 / 1024} MB of them; each is in its task's <code>.summary.md</code> file beside its log.</p>` : '';
  const summaries = shown.size || left ? `<h2>Summaries</h2>\n${[...shown].map((t) => `<h3 class="summary-of">${escape(t.id)}</h3>\n<pre class="summary">${escape(t.summary!)}</pre>`).join('\n')}${more}\n` : '';
  // Why each failed task failed, with its last lines, as the run's summary said it.
  const failedAt = lastFailures(data.attempts);
  const failed = data.tasks.filter((t) => t.status === 'failed');
  const failures = failed.length
    ? `<h2>Failures</h2>\n${failed.map((t, k) => {
      const last = failedAt.get(t.id);
      const tail = k < REPORT_TAILS && last?.tail.length ? `\n<pre class="summary">${escape(last.tail.join('\n'))}</pre>` : '';
      return `<h3 class="failure-of">${escape(t.id)}</h3>\n<p>${escape(whyItFailed(t, last))}</p>${tail}`;
    }).join('\n')}${failed.length > REPORT_TAILS ? `\n<p class="summary-left">The last lines of the ${failed.length - REPORT_TAILS} failures after the first ${REPORT_TAILS} are not shown: they are in their logs (<code>orchestrate logs --failed</code>).</p>` : ''}\n`
    : '';
  // What held ready tasks back, as the summary's waited line says it (from the run's last event).
  const waits = data.waits.length
    ? `<h2>Waits</h2>
<table><thead><tr><th>limit</th><th>tasks</th><th>waited in all</th><th>longest</th></tr></thead>
<tbody>
${data.waits.map((w) => `<tr><td>${escape(limitLabel(w))}</td><td>${w.tasks}</td><td>${seconds(w.seconds)}</td><td>${escape(w.longest.task)} ${seconds(w.longest.seconds)}</td></tr>`).join('\n')}
</tbody></table>
`
    : '';
  const findingItems = findings.length
    ? findings.map((f) => `<div class="finding"><span class="sev-${f.severity}">[${f.severity}]</span> ${escape(f.kind)}: ${escape(f.reason)}<br><em>${escape(f.suggestion)}</em></div>`).join('\n')
    : '<p>No bottlenecks found.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${REPORT_MARK}
<title>orchestrate run ${escape(run.id)}: ${escape(run.workflow)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(run.workflow)} <span class="status-${escape(run.status ?? 'unfinished')}">${escape(run.status ?? 'unfinished')}</span></h1>
<div class="meta">run ${escape(run.id)} · started ${escape(run.started_at)} · wall ${seconds(wall)}${escape(approvalWaitNote(data.approvalWait))} · serial ${seconds(data.serialTime)} · speedup ${speedup}x · cost ${run.cost ?? 0} · concurrency ${run.concurrency}</div>
<div class="legend"><span><i class="sw" style="background:#2da44e"></i>succeeded</span><span><i class="sw" style="background:#cf222e"></i>failed attempt</span><span><i class="sw" style="background:#8c959f"></i>cancelled</span><span><i class="sw" style="background:#d4a72c"></i>queue wait</span><span><i class="sw" style="background:#54aeff"></i>service up</span><span><i class="sw" style="background:#fff;outline:3px solid #0b0b45"></i>critical path as it ran</span></div>
<svg id="gantt" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Gantt timeline of the run"></svg>
<h2>Tasks</h2>
<table><thead><tr><th>task</th><th>status</th><th>attempts</th><th>duration</th><th>queue wait</th><th>cost</th><th>critical</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${failures}${summaries}${waits}<h2>Bottlenecks</h2>
${findingItems}
<script type="application/json" id="report-data">${embedded}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
