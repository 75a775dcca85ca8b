import { formatDuration } from '../util/duration.js';
import { tableCell, textWidth } from '../util/fit-width.js';
import { visibleText } from '../util/visible-text.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import { colors as makeColors } from './colors.js';
import { commandsSection } from './plan-commands.js';
import { limitLabel, tasksCount, whoWaited } from './waits-text.js';

/** Report width; the Gantt's bars fill what the labels leave. */
export const REPORT_WIDTH = 100;
/** The fewest columns of the Gantt's bars, in a terminal however narrow. */
const MIN_BAR_WIDTH = 10;
const MAX_GANTT_ROWS = 60;
const MAX_BATCH_LINES = 40;
const MAX_TASKS_PER_BATCH_LINE = 8;

const fmt = (s: number) => formatDuration(s);

function taskLabel(t: PlanTask): string {
  return `${t.id}${t.critical ? '*' : ''} (${fmt(t.estimate)}${t.retryTime ? ` + ${fmt(t.retryTime)} retries` : ''}${t.estimateSource === 'declared' ? '' : `, ${t.estimateSource === 'failures' ? 'history of failures' : t.estimateSource}`}${t.service ? ', service' : ''})`;
}

function batchesSection(plan: Plan): string[] {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const lines = ['Batches (tasks that may run side by side; * on the critical path)'];
  plan.batches.slice(0, MAX_BATCH_LINES).forEach((batch, i) => {
    const shown = batch.slice(0, MAX_TASKS_PER_BATCH_LINE).map((id) => taskLabel(byId.get(id)!));
    const more = batch.length > shown.length ? `, ... ${batch.length - shown.length} more` : '';
    lines.push(`  ${String(i + 1).padStart(3)}  ${batch.length > MAX_TASKS_PER_BATCH_LINE ? `${batch.length} tasks: ` : ''}${shown.join(', ')}${more}`);
  });
  if (plan.batches.length > MAX_BATCH_LINES) lines.push(`  ... ${plan.batches.length - MAX_BATCH_LINES} more batches`);
  return lines;
}

/** `width`: the terminal's columns, when it has fewer than REPORT_WIDTH (the chart fits them). */
function ganttSection(plan: Plan, color: boolean, width = REPORT_WIDTH): string[] {
  const c = makeColors(color);
  const wall = plan.estimate.wall;
  const rows = [...plan.tasks].sort((a, b) => a.start - b.start || a.end - b.end);
  const shown = rows.slice(0, MAX_GANTT_ROWS);
  const labelWidth = Math.min(30, Math.max(8, ...shown.map((t) => textWidth(t.id) + 1)));
  const barWidth = Math.max(MIN_BAR_WIDTH, Math.min(REPORT_WIDTH, width) - labelWidth - 3);
  const scale = wall > 0 ? wall / barWidth : 1;
  // A column of a plan of short tasks is a fraction of a millisecond, which seconds would print as 0s.
  const column = scale > 0 && scale < 0.01 ? `${Number((scale * 1000).toPrecision(2))}ms` : fmt(scale);
  const lines = [`Schedule (simulated under the policy; one column = ${column})`];
  const axis = `${' '.repeat(labelWidth + 3)}0${' '.repeat(Math.max(0, barWidth - 1 - fmt(wall).length))}${fmt(wall)}`;
  lines.push(axis);
  for (const t of shown) {
    const from = Math.min(barWidth - 1, Math.floor(t.start / scale));
    const to = Math.max(from + 1, Math.min(barWidth, Math.round(t.end / scale)));
    const label = `${t.id}${t.critical ? '*' : ''}`;
    const name = tableCell(label, labelWidth);
    const bar = (t.critical ? '█' : '▒').repeat(to - from);
    lines.push(`  ${name} ${' '.repeat(from)}${t.critical ? c.red(bar) : bar}`);
  }
  if (rows.length > shown.length) {
    lines.push(`  ... ${rows.length - shown.length} more tasks (orchestrate plan --json has the full schedule)`);
  }
  return lines;
}

function resumeLine(plan: Plan, from: string): string {
  const reused = plan.tasks.filter((t) => t.estimateSource === 'reused').length;
  const expansions = Object.entries(plan.reusedExpansions ?? {}).map(([task, n]) => `${task} reuses ${n} expansion${n === 1 ? '' : 's'}`);
  return `Resuming ${from}: ${reused} task${reused === 1 ? '' : 's'} reused (not run again, 0s), ${plan.tasks.length - reused} to run${expansions.length ? `; when it expands, ${expansions.join(', ')}` : ''}`;
}

/** A line naming the tasks that will not run for one reason, if any. */
const NOT_RUN_WHY = { 'up-to-date': 'sources unchanged, not run, 0s', memoized: 'asked what a recorded success was asked, not run, 0s', condition: 'a false `when`, not run, 0s', 'on-failure': 'not counted: the plan assumes every task succeeds', 'not-needed': 'services no task that runs needs, not started, 0s' };

function notRunLine(plan: Plan, source: keyof typeof NOT_RUN_WHY, label: string): string[] {
  const ids = plan.tasks.filter((t) => t.estimateSource === source).map((t) => t.id);
  if (!ids.length) return [];
  return [`${label}: ${ids.length} task${ids.length === 1 ? '' : 's'} (${NOT_RUN_WHY[source]}): ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', ...' : ''}`];
}

/** A line naming the tasks with sources or `memoize` that will run, each with why (make's `-d`). */
function staleLine(plan: Plan): string[] {
  const stale = plan.tasks.filter((t) => t.runsBecause !== undefined);
  if (!stale.length) return [];
  const shown = stale.slice(0, 8).map((t) => `${t.id} (${t.runsBecause})`);
  return [`Will run: ${stale.length} task${stale.length === 1 ? '' : 's'} with sources or memoize: ${shown.join(', ')}${stale.length > 8 ? ', ...' : ''}`];
}

/** A line naming the tasks whose retries in recent runs the plan counts, with the time they added on average. */
function retriesLine(plan: Plan): string[] {
  const retried = plan.tasks.filter((t) => t.retryTime);
  if (!retried.length) return [];
  const shown = retried.slice(0, 8).map((t) => `${t.id} +${fmt(t.retryTime!)}`);
  return [`Retries: ${retried.length} task${retried.length === 1 ? '' : 's'} needed retries in recent runs; the time they added, on average, is counted: ${shown.join(', ')}${retried.length > 8 ? ', ...' : ''}`];
}

/** A line naming the tasks that will wait for approval, if any. */
function approvalLine(plan: Plan): string[] {
  const ids = plan.tasks.filter((t) => t.approval).map((t) => t.id);
  if (!ids.length) return [];
  return [`Approval: ${ids.length} task${ids.length === 1 ? '' : 's'} wait${ids.length === 1 ? 's' : ''} for a person's approval (the wait is not counted): ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', ...' : ''}`];
}

const MAX_WAIT_LINES = 8;

/** The limits that hold ready tasks back in the simulated schedule, most waited for first: what to raise for a shorter run. */
function waitsSection(plan: Plan): string[] {
  if (!plan.waits.length) return [];
  const shown = plan.waits.slice(0, MAX_WAIT_LINES);
  const labels = shown.map((w) => limitLabel(w));
  const width = Math.max(...labels.map((l) => l.length));
  const lines = ['', 'Waits (ready tasks held back by a limit in the schedule above)'];
  shown.forEach((w, k) => lines.push(`  ${labels[k]!.padEnd(width)}  ${tasksCount(w)} wait${w.tasks === 1 ? 's' : ''} ${fmt(w.seconds)}${whoWaited(w)}`));
  if (plan.waits.length > MAX_WAIT_LINES) lines.push(`  ... ${plan.waits.length - MAX_WAIT_LINES} more limits (orchestrate plan --json has them all)`);
  return lines;
}

/** Which tasks' planned costs are what they cost in history, after the cost line. */
function costsFromHistory(plan: Plan): string {
  const ids = plan.tasks.filter((t) => t.costSource === 'history').map((t) => t.id);
  if (!ids.length) return '';
  const named = ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
  return `   ${named} as ${ids.length === 1 ? 'it' : 'they'} cost in history, retries included`;
}

/**
 * The readable plan: batches, the Gantt of the simulated schedule, critical
 * path and totals (and with `plan --commands`, what each task runs).
 * `width`: the terminal's columns, which the Gantt fits (at most REPORT_WIDTH).
 */
export function formatPlan(plan: Plan, options: { color?: boolean; width?: number } = {}): string {
  const commands = plan.tasks.some((t) => t.command !== undefined);
  const c = makeColors(Boolean(options.color));
  const e = plan.estimate;
  // A selection of nothing (`--since` with no task touched): no batches, schedule or path to draw.
  if (!plan.tasks.length) return `${c.bold(`Plan: ${plan.workflow}`)}  (0 tasks: nothing to run)\n`;
  const lines = [
    c.bold(`Plan: ${plan.workflow}`) + `  (${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'}, concurrency ${plan.concurrency}, fairness ${plan.fairness})`,
    ...(plan.resumedFrom !== undefined ? [resumeLine(plan, plan.resumedFrom)] : []),
    ...notRunLine(plan, 'up-to-date', 'Up to date'),
    ...staleLine(plan),
    ...notRunLine(plan, 'memoized', 'Memoized'),
    ...notRunLine(plan, 'condition', 'Skipped'),
    ...notRunLine(plan, 'on-failure', 'Only on failure'),
    ...notRunLine(plan, 'not-needed', 'Not needed'),
    ...retriesLine(plan),
    ...approvalLine(plan),
    ...(plan.exclusive ? [`Exclusive: one run of the group "${visibleText(plan.exclusive.group)}" at a time on this machine; ${plan.exclusive.cancelInProgress ? 'a new run stops the one going on' : 'a new run waits for the one going on'}`] : []),
    '',
    ...batchesSection(plan),
    '',
    ...ganttSection(plan, Boolean(options.color), options.width),
    '',
    `Critical path (${fmt(plan.criticalPath.duration)}): ${plan.criticalPath.tasks.length > 12
      ? `${plan.criticalPath.tasks.slice(0, 5).join(' -> ')} -> ... ${plan.criticalPath.tasks.length - 10} more ... -> ${plan.criticalPath.tasks.slice(-5).join(' -> ')}`
      : plan.criticalPath.tasks.join(' -> ')}`,
    ...waitsSection(plan),
    '',
    'Estimate',
    `  serial (one task at a time)   ${fmt(e.serial)}`,
    `  wall time (planned)           ${c.bold(fmt(e.wall))}   speedup ${c.bold(`${e.speedup.toFixed(2)}x`)}`,
    `  lower bound                   ${fmt(e.lowerBound)}   max(critical path, work / ${plan.concurrency})`,
    `  level by level                ${fmt(e.levelBatched)}   ${e.levelBatched > e.wall ? `dynamic scheduling saves ${fmt(e.levelBatched - e.wall)}` : 'no gain from dynamic scheduling here'}`,
    `  cost                          ${e.cost}${plan.budget.limit !== null ? ` of a budget of ${plan.budget.limit}` : ''}${costsFromHistory(plan)}`,
    ...(plan.deadline.limit !== null ? [`  workflow timeout              ${fmt(plan.deadline.limit)}   ${plan.deadline.fits ? 'the planned run ends within it' : c.yellow('the planned run goes past it (see the warning below)')}`] : []),
  ];
  if (commands) lines.push('', ...commandsSection(plan));
  for (const warning of plan.warnings) lines.push(c.yellow(`warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}
