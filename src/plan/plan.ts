import { plannedSkips, type PlannedSkip } from './planned-skips.js';
import { withPlannedExpansions } from './planned-expansions.js';
import { memoKnownBeforeServices, unneededService } from './unneeded-service.js';
import type { EstimateSource, Workflow } from '../workflow/model.js';
import { buildGraph, topologicalLevels, type Levels, type TaskGraph } from '../workflow/graph.js';
import type { Limits } from './capacity.js';
import { criticalPath, remainingPaths } from './critical-path.js';
import type { QueueTask } from './ready-queue.js';
import { simulateSchedule } from './simulate.js';
import { limitWaits, type LimitWait } from './waits.js';
import { slotWaitOf } from './wait-tally.js';
import { dynamicKeys } from '../workflow/expand-matrix.js';
import { formatDuration } from '../util/duration.js';
import { roundCost } from '../util/round-cost.js';

export interface PlanTask {
  id: string;
  agent: string | null;
  /** One attempt's estimated duration, seconds. */
  estimate: number;
  /** What retries added to it per run in its recent successes (history; for a task planned from its failures, in the runs it failed), seconds; its planned time is estimate + retryTime. */
  retryTime?: number;
  /**
   * `failures`: from what its failed attempts took, a task with no estimate of its own that has not
   * succeeded in history; `reused`: a dry run of a resume, in which the task is not run again; `up-to-date`: its sources
   * did not change; `memoized`: a recorded success was asked the same; `condition`: a false `when` (its own or a need's) skips it; `on-failure`: an
   * `if: failure` task (or one that needs it), which a run where everything succeeds skips; `not-needed`: a service that every task needing it does not run.
   */
  estimateSource: EstimateSource | 'failures' | 'reused' | 'up-to-date' | 'memoized' | PlannedSkip;
  /** One attempt at its declared cost, or (`costSource` history) what a run of it cost in history, retries included. */
  cost: number;
  costSource: 'declared' | 'history';
  priority: string;
  needs: string[];
  /** Topological level (0-based): the batch the task belongs to. */
  batch: number;
  /** Planned start and end, seconds from the start of the run. */
  start: number;
  end: number;
  /** How long it waits, ready, for room under the limits before its planned start, seconds. */
  wait: number;
  /** Whether the task is on the critical path. */
  critical: boolean;
  /** The `include` namespace it came from, if it came from an included file. */
  includedFrom?: string;
  /** It waits for a person's approval before it starts (when it runs): a wait the estimate does not count. */
  /** A task with sources that is not up to date, or with `memoize` and no answer known: why it runs (`its sources changed`). */
  runsBecause?: string;
  approval?: true;
  /** A service: its estimate is the time it takes to be ready; it then runs on beside the tasks that need it. */
  service?: true;
  /** `plan --commands`: what it runs, as loaded (other tasks' outputs still templates). */
  command?: string;
  /** `plan --commands`: the program its command is given to, when not `sh -c`. */
  shell?: string[];
  /** `plan --commands`: an agent task's prompt, as loaded. */
  prompt?: string;
}

/** The estimate sources of a task the plan counts as running (the others say why it does not run). */
export const RUNNING_SOURCES: ReadonlySet<PlanTask['estimateSource']> = new Set(['default', 'declared', 'agent', 'history', 'failures']);

export interface Plan {
  workflow: string;
  file: string;
  concurrency: number;
  fairness: string;
  tasks: PlanTask[];
  batches: string[][];
  criticalPath: { tasks: string[]; duration: number };
  estimate: {
    /** Sum of all estimates (retry times included): the wall time of running one task at a time. */
    serial: number;
    /** Simulated makespan under the real policy. */
    wall: number;
    /** serial / wall. */
    speedup: number;
    /** max(critical path, total work / concurrency): no schedule can beat it. */
    lowerBound: number;
    /** Wall time of level-by-level batches (each waits for the previous to finish). */
    levelBatched: number;
    /** Sum of the tasks' planned costs: one attempt each at its declared cost, or what a run of it cost in history. */
    cost: number;
  };
  budget: { limit: number | null; fits: boolean };
  /** The workflow timeout (policy.timeout, run --timeout), seconds, whether the tasks it bounds end within it in the simulated schedule, and those that do not. */
  deadline: { limit: number | null; fits: boolean; late: string[] };
  /** The limits ready tasks wait for in the simulated schedule, most waited for first. */
  waits: LimitWait[];
  warnings: string[];
  /** Its runs run one at a time on a machine with the other runs of this group (`exclusive`). */
  exclusive?: { group: string; cancelInProgress: boolean };
  /** A dry run of `--resume`: the run it resumes. */
  resumedFrom?: string;
  /** A dry run of `--resume`: how many expansions each matrix from outputs reuses when it expands. */
  reusedExpansions?: Record<string, number>;
}

export interface PlanOptions {
  /** Overrides policy.maxConcurrency ("what if I had 8 slots?"). */
  concurrency?: number;
  /** Estimates from history, by task id (source `history`). */
  history?: ReadonlyMap<string, number>;
  /** The tasks of `history` whose estimate comes from their failures, having never succeeded there (source `failures`). */
  fromFailures?: ReadonlySet<string>;
  /** What retries added to a task per run in history, seconds, by task id (historyRetryTimes, of successes or, for `fromFailures`, of failures): counted in its planned time. */
  retryTimes?: ReadonlyMap<string, number>;
  /** What a run of a task cost in history, by task id (historyCosts): its planned cost instead of its declared one (source `history`). */
  costs?: ReadonlyMap<string, number>;
  /** Tasks a resume would not run again (ids): they take no time and cost nothing. */
  reused?: ReadonlySet<string>;
  /** Tasks that are up to date (ids): likewise. */
  upToDate?: ReadonlySet<string>;
  /** Why each task with sources or `memoize` that will run runs (by id). */
  stale?: ReadonlyMap<string, string>;
  /** Tasks with `memoize` whose recorded answer a run would reuse (ids): likewise. */
  memoized?: ReadonlySet<string>;
  /** Tasks the run will skip as far as is known before it (ids; worked out from the workflow when not given). */
  plannedSkips?: ReadonlyMap<string, PlannedSkip>;
  /**
   * What matrices from outputs expanded to in a recorded run (by task id: the
   * expansions' ids and the run's): the plan counts each such task as those
   * tasks, with their own estimates (`history` has them by id), where it
   * would otherwise count one task for all of them.
   */
  expansions?: ReadonlyMap<string, RecordedExpansions>;
}

/** The expansions a matrix from outputs had in a recorded run, and that run's id. */
export interface RecordedExpansions {
  run: string;
  ids: readonly string[];
}

/**
 * The matrices from outputs the plan counts as the expansions a recorded run
 * gave them (options.expansions): those with some that the plan does not
 * count as not running (a resume reuses them, a false `when` skips them...).
 */
function expansionsToPlan(workflow: Workflow, options: PlanOptions): Map<string, RecordedExpansions> {
  const out = new Map<string, RecordedExpansions>();
  if (!options.expansions?.size) return out;
  const skips = options.plannedSkips ?? plannedSkips(workflow);
  for (const t of workflow.tasks) {
    const recorded = t.dynamicMatrix ? options.expansions.get(t.id) : undefined;
    if (recorded?.ids.length && !notRun({ ...options, plannedSkips: skips }, t.id)) out.set(t.id, recorded);
  }
  return out;
}

/** The expansions each matrix from outputs (`groups`) is planned as in `plan`: a count, null for one task; none for one the plan does not run. */
export function plannedExpansions(plan: Pick<Plan, 'tasks'>, groups: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (!groups.length) return out;
  const wanted = new Set(groups);
  const counts = new Map<string, number>();
  for (const t of plan.tasks) {
    // An expansion's base is what comes before its `[` (a task's id has none).
    const base = t.id.includes('[') ? t.id.slice(0, t.id.indexOf('[')) : undefined;
    if (base !== undefined && wanted.has(base)) counts.set(base, (counts.get(base) ?? 0) + 1);
    else if (wanted.has(t.id) && RUNNING_SOURCES.has(t.estimateSource)) out[t.id] = null;
  }
  for (const [group, count] of counts) out[group] = count;
  return out;
}

/** Why a task would not run (it then takes no time and costs nothing), if it would not. */
function notRun(options: PlanOptions, id: string): 'reused' | 'up-to-date' | 'memoized' | PlannedSkip | undefined {
  // In the order the run decides: a false condition skips a task before its memo is looked up.
  return options.reused?.has(id) ? 'reused' : options.upToDate?.has(id) ? 'up-to-date' : options.plannedSkips?.get(id) ?? (options.memoized?.has(id) ? 'memoized' : undefined);
}

/**
 * The scheduler's view of the workflow's tasks and limits; `estimates` are the
 * planned times, the `retries` expected of each task that runs included.
 */
export function schedulingInputs(workflow: Workflow, graph: TaskGraph, levels: Levels, options: PlanOptions = {}) {
  const retries = workflow.tasks.map((t) => (notRun(options, t.id) ? 0 : options.retryTimes?.get(t.id) ?? 0));
  const estimates = workflow.tasks.map((t, i) => (notRun(options, t.id) ? 0 : (options.history?.get(t.id) ?? t.estimate) + retries[i]!));
  const tail = remainingPaths(graph, estimates, levels.order);
  const tasks: QueueTask[] = workflow.tasks.map((t, i) => ({
    agent: t.agent,
    resources: t.resources,
    ...(t.maxParallel !== undefined ? { group: { id: t.baseId, max: t.maxParallel } } : {}),
    priority: t.priority,
    estimate: estimates[i]!,
    rank: tail[i]!,
  }));
  const limits: Limits = {
    maxConcurrency: options.concurrency ?? workflow.policy.maxConcurrency,
    agents: Object.fromEntries(Object.values(workflow.agents).map((a) => [a.name, a.concurrency])),
    resources: workflow.resources,
    ...(Object.values(workflow.agents).some((a) => a.rateLimit)
      ? { rates: Object.fromEntries(Object.values(workflow.agents).filter((a) => a.rateLimit).map((a) => [a.name, a.rateLimit])) }
      : {}),
  };
  return { estimates, retries, tail, tasks, limits };
}

/** The graph of a loaded workflow, by index. */
export function workflowGraph(workflow: Workflow): { graph: TaskGraph; levels: Levels } {
  const graph = buildGraph(workflow.tasks.map((t) => t.needs.map((id) => workflow.taskIndex.get(id)!)));
  return { graph, levels: topologicalLevels(graph) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
/** Costs to a millionth, as the run's result has them: an LLM call may cost less than a thousandth. */

/**
 * The tasks the workflow timeout would stop, or never start, in the simulated
 * schedule: those planned to end after it. Cleanup that runs on an interrupt
 * (`runOnInterrupt`) is not bounded by it, as in a run; a task that will not
 * run takes no time.
 */
function lateTasks(workflow: Workflow, ends: ArrayLike<number>, notRunning: (id: string) => boolean): string[] {
  const deadline = workflow.policy.timeout;
  if (deadline === undefined) return [];
  // Within a millisecond is in time: the plan's times are rounded to one.
  return workflow.tasks.filter((t, i) => !t.runOnInterrupt && !notRunning(t.id) && round(ends[i]!) > deadline).map((t) => t.id);
}

/** What a plan says of a cost budget its tasks' costs add up past (`run` says it too, as it starts). */
export function budgetWarning(cost: number, budget: number): string {
  return `estimated cost ${round(cost)} exceeds the budget of ${budget}: some tasks would be skipped`;
}

/**
 * What a plan says when agent tasks wait a while for the global limit, and it
 * is the default, this machine's CPU count: an agent that waits on an API uses
 * little CPU, and a fan-out of LLM calls on a 2-core CI runner would run two at once.
 */
export function cpuDefaultWarning(seconds: number, capacity: number, waited = false): string {
  return `agent tasks wait${waited ? 'ed' : ''} ${formatDuration(seconds)} in all for concurrency ${capacity}, this machine's CPU count (policy.maxConcurrency's default); tasks that wait on an API rather than a CPU may run more at once: set policy.maxConcurrency (a number, or a share of the CPUs such as "400%"), or pass -n`;
}

/** Whether agent tasks waited `seconds` for the default limit long enough to say so: 5% of the wall time, and 0.1 s. */
export function notableCpuDefaultWait(seconds: number, wall: number): boolean {
  return seconds >= Math.max(0.05 * wall, 0.1);
}

/** What a plan says of a workflow timeout that its tasks `late` are planned to end after (`run` says it too, as it starts). */
export function deadlineWarning(deadline: number, wall: number, late: readonly string[]): string {
  const shown = `${late.slice(0, 8).join(', ')}${late.length > 8 ? ', ...' : ''}`;
  return `the planned wall time ${formatDuration(wall)} is past the workflow timeout of ${formatDuration(deadline)}: the run would be stopped then, and fail, with ${late.length} task${late.length === 1 ? '' : 's'} not done (${shown})`;
}

/**
 * Compiles a loaded (valid) workflow into a plan: batches, critical path,
 * the simulated schedule under the real policy, and the totals.
 */
export function planWorkflow(written: Workflow, given: PlanOptions = {}): Plan {
  const expanded = expansionsToPlan(written, given);
  const workflow = expanded.size ? withPlannedExpansions(written, new Map([...expanded].map(([id, e]) => [id, e.ids]))) : written;
  const skips = new Map(given.plannedSkips ?? plannedSkips(workflow));
  const options: PlanOptions = { ...given, plannedSkips: skips };
  const { graph, levels } = workflowGraph(workflow);
  // As the run decides: a service whose dependents all certainly do not run is not started.
  const certainlyNotRun = (i: number) => {
    const why = notRun(options, workflow.tasks[i]!.id);
    return why === 'reused' || why === 'up-to-date' || why === 'condition' || (why === 'memoized' && memoKnownBeforeServices(workflow.tasks[i]!));
  };
  const unneeded = workflow.tasks.filter((_, i) => unneededService(i, workflow.tasks, graph, () => true, certainlyNotRun));
  for (const t of unneeded) if (!notRun(options, t.id)) skips.set(t.id, 'not-needed');
  const { estimates, retries, tail, tasks, limits } = schedulingInputs(workflow, graph, levels, options);
  const fairness = workflow.policy.fairness;
  const schedule = simulateSchedule(tasks, graph, limits, fairness);
  const critical = criticalPath(graph, tail);
  const onPath = new Uint8Array(graph.size);
  for (const t of critical.tasks) onPath[t] = 1;
  const serial = estimates.reduce((a, b) => a + b, 0);
  const costs = workflow.tasks.map((t) => (notRun(options, t.id) ? 0 : options.costs?.get(t.id) ?? t.cost));
  const cost = costs.reduce((a, b) => a + b, 0);
  const wall = schedule.makespan;
  const budget = workflow.policy.costBudget;
  const warnings: string[] = [];
  if (budget !== undefined && cost > budget) warnings.push(budgetWarning(cost, budget));
  const late = lateTasks(workflow, schedule.end, (id) => notRun(options, id) !== undefined);
  if (late.length) warnings.push(deadlineWarning(workflow.policy.timeout!, wall, late));
  // Waits of agent tasks for a free slot, when the slots are the CPUs by default (and no -n chose them).
  if (workflow.policy.cpuDefault && options.concurrency === undefined) {
    const agentWait = slotWaitOf(schedule.waits, (i) => workflow.tasks[i]!.kind === 'agent');
    if (notableCpuDefaultWait(agentWait, wall)) warnings.push(cpuDefaultWarning(agentWait, limits.maxConcurrency));
  }
  for (const t of written.tasks) {
    if (!t.dynamicMatrix || (!expanded.has(t.id) && notRun(options, t.id))) continue;
    const templates = dynamicKeys(t.dynamicMatrix).map((k) => (t.dynamicMatrix![k] as string).trim());
    const inputs = templates.filter((text) => /^\$\{\{\s*inputs\./.test(text));
    const recorded = expanded.get(t.id);
    const planned = recorded ? `planned as the ${recorded.ids.length} expansion${recorded.ids.length === 1 ? '' : 's'} it had in run ${recorded.run}` : 'planned as one task';
    warnings.push(inputs.length
      ? `task "${t.id}": its matrix comes from ${inputs.join(', ')}, which has no value here (give it with -i): ${planned}`
      : `task "${t.id}" expands when the run gets there (its matrix comes from ${templates.join(', ')}): ${planned}`);
  }
  const planTasks: PlanTask[] = workflow.tasks.map((t, i) => ({
    id: t.id,
    agent: t.agent ?? null,
    estimate: round(estimates[i]! - retries[i]!),
    // Rounded as the plan's other times are: less than half a millisecond is none.
    ...(round(retries[i]!) > 0 ? { retryTime: round(retries[i]!) } : {}),
    estimateSource: notRun(options, t.id) ?? (options.history?.has(t.id) ? (options.fromFailures?.has(t.id) ? 'failures' : 'history') : t.estimateSource),
    cost: roundCost(costs[i]!),
    costSource: !notRun(options, t.id) && options.costs?.has(t.id) ? 'history' : 'declared',
    priority: t.priority,
    needs: t.needs,
    batch: levels.levelOf[i]!,
    start: round(schedule.start[i]!),
    end: round(schedule.end[i]!),
    wait: round(schedule.queueWait[i]!),
    critical: onPath[i] === 1,
    ...(t.includedFrom !== undefined ? { includedFrom: t.includedFrom } : {}),
    ...(t.approval !== undefined && !notRun(options, t.id) ? { approval: true as const } : {}),
    ...(t.service ? { service: true as const } : {}),
    ...(options.stale?.has(t.id) && !notRun(options, t.id) ? { runsBecause: options.stale.get(t.id)! } : {}),
  }));
  return {
    workflow: workflow.name,
    file: workflow.file,
    concurrency: limits.maxConcurrency,
    fairness,
    tasks: planTasks,
    batches: levels.levels.map((level) => level.map((i) => workflow.tasks[i]!.id)),
    criticalPath: { tasks: critical.tasks.map((i) => workflow.tasks[i]!.id), duration: round(critical.duration) },
    estimate: {
      serial: round(serial),
      wall: round(wall),
      speedup: wall > 0 ? round(serial / wall) : 1,
      lowerBound: round(Math.max(critical.duration, serial / limits.maxConcurrency)),
      levelBatched: round(simulateSchedule(tasks, graph, limits, fairness, levels.levels).makespan),
      cost: roundCost(cost),
    },
    budget: { limit: budget ?? null, fits: budget === undefined || cost <= budget },
    deadline: { limit: workflow.policy.timeout ?? null, fits: late.length === 0, late },
    waits: limitWaits(schedule.waits, limits, tasks, workflow.tasks.map((t) => t.id)),
    warnings,
    ...(workflow.exclusive ? { exclusive: { ...workflow.exclusive } } : {}),
  };
}
