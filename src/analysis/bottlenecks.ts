import { formatDuration, formatWindow } from '../util/duration.js';
import { planWorkflow, type Plan, type PlanOptions } from '../plan/plan.js';
import { percentile, type StatsRow } from '../store/stats.js';
import type { TaskSpec, Workflow } from '../workflow/model.js';
import { roundCost } from '../util/round-cost.js';

export type FindingKind = 'critical-path' | 'queue-wait' | 'failing' | 'flaky' | 'slowing' | 'budget-hog' | 'rate-limited' | 'timing-out' | 'cost-drift' | 'estimate-drift';
export type FindingSeverity = 'high' | 'medium' | 'low';

export interface Finding {
  kind: FindingKind;
  severity: FindingSeverity;
  /** The task, agent, resource or policy key concerned. */
  subject: string;
  /** The workflow of its task or agent, when the findings are of several workflows (`stats` without a file). */
  workflow?: string;
  /** Why, in numbers. */
  reason: string;
  suggestion: string;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const fmt = (s: number) => formatDuration(s);
/** Its attempts over the runs counted (each run's first, and its retries). */
const attemptsOf = (row: StatsRow) => Math.round(row.runs * (1 + (row.retriesPerRun ?? 0)));
/** How much a share of attempts that went wrong matters: a quarter is high, a tenth medium. */
const byShare = (share: number): FindingSeverity => (share >= 0.25 ? 'high' : share >= 0.1 ? 'medium' : 'low');
/** Whether what was measured is twice what is written, or half of it, or further off (`ratio`: measured / written). */
const farOff = (ratio: number) => ratio >= 2 || ratio <= 0.5;
/** How far off: three times or a third is medium. */
const byRatio = (ratio: number): FindingSeverity => (ratio >= 3 || ratio <= 1 / 3 ? 'medium' : 'low');
/** The workflow's task of a stats row, if the workflow has it. */
const taskOf = (workflow: Workflow | undefined, name: string): TaskSpec | undefined => workflow?.tasks[workflow.taskIndex.get(name) ?? -1];

/** Seconds below which a gain or a task's time is noise: a process start-up varies by that much, and '0.02s -> 0.02s' says nothing. */
const NOISE_SECONDS = 0.05;

/** How much of the planned wall time the critical path must be to bound the run: below it, a limit does (`queue-wait` names it). */
const PATH_BOUNDS = 0.8;

/**
 * Tasks that dominate the critical path (their planned time: the estimate and
 * the retries history saw), if they take long enough to be worth splitting —
 * and the path is what the run waits for: in a run that slots or another
 * limit hold up, a shorter path shortens nothing.
 */
function criticalPathFindings(plan: Plan): Finding[] {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const total = plan.criticalPath.duration;
  if (total <= 0 || total < PATH_BOUNDS * plan.estimate.wall) return [];
  return plan.criticalPath.tasks.flatMap((id) => {
    const { estimate, retryTime } = byId.get(id)!;
    const time = estimate + (retryTime ?? 0);
    const share = time / total;
    if (share < 0.3 || time < NOISE_SECONDS || plan.criticalPath.tasks.length === 1 && plan.tasks.length === 1) return [];
    return [{
      kind: 'critical-path' as const,
      severity: share >= 0.5 ? 'high' as const : 'medium' as const,
      subject: id,
      reason: `\`${id}\` is ${pct(share)} of the critical path (${fmt(time)} of ${fmt(total)}${retryTime ? `, ${fmt(retryTime)} of it retries` : ''})`,
      suggestion: `splitting \`${id}\` or starting it earlier would shorten runs${retryTime ? ', and so would fewer retries of it' : ''}`,
    }];
  });
}

/**
 * Limits whose relaxation the re-simulated plan says would shorten the run:
 * an agent's concurrency or start rate, a resource's capacity, a matrix's
 * `maxParallel`, the global concurrency.
 */
function limitFindings(workflow: Workflow, plan: Plan, estimates: Pick<PlanOptions, 'history' | 'retryTimes' | 'expansions'>, agentStats: StatsRow[], cpus?: number): Finding[] {
  const findings: Finding[] = [];
  const wall = plan.estimate.wall;
  /** @param unit what the number counts, when it needs saying (`per 1m` for a rate) */
  const consider = (subject: string, from: number, modified: Workflow, waited: string, unit = '', caveat = '') => {
    const better = planWorkflow(modified, estimates).estimate.wall;
    const gain = (wall - better) / wall;
    // A twentieth of the wall time, and NOISE_SECONDS: less is noise.
    if (!(gain >= 0.05) || wall - better < NOISE_SECONDS) return;
    findings.push({
      kind: 'queue-wait',
      severity: gain >= 0.25 ? 'high' : gain >= 0.1 ? 'medium' : 'low',
      subject,
      reason: `${waited}; the limit of ${from}${unit} is the constraint`,
      suggestion: `raise \`${subject}\` from ${from} to ${from + 1}${unit}: estimated wall time ${fmt(wall)} -> ${fmt(better)}${caveat}`,
    });
  };
  const withAgent = (agent: Workflow['agents'][string]) => ({ ...workflow, agents: { ...workflow.agents, [agent.name]: agent } });
  // A rate or a matrix's maxParallel is tried only when tasks waited for it in the plan: a workflow may have
  // many, and each try is a whole plan again.
  const waitedFor = new Set(plan.waits.map((w) => `${w.limit}:${w.name}`));
  for (const agent of Object.values(workflow.agents)) {
    if (agent.concurrency !== undefined) {
      const stats = agentStats.find((a) => a.name === agent.name);
      const waited = stats?.queueWait.mean ? `tasks of \`${agent.name}\` waited ${fmt(stats.queueWait.mean)} on average for a slot (p95 ${fmt(stats.queueWait.p95 ?? 0)})` : `tasks of \`${agent.name}\` wait for a slot in the plan`;
      consider(`${agent.name}.concurrency`, agent.concurrency, withAgent({ ...agent, concurrency: agent.concurrency + 1 }), waited);
    }
    if (agent.rateLimit && waitedFor.has(`rate:${agent.name}`)) {
      const { requests, per } = agent.rateLimit;
      consider(`${agent.name}.rateLimit.requests`, requests, withAgent({ ...agent, rateLimit: { requests: requests + 1, per } }), `tasks of \`${agent.name}\` wait for its rate limit in the plan`, ` per ${formatWindow(per)}`);
    }
  }
  for (const [name, capacity] of Object.entries(workflow.resources)) {
    consider(`resources.${name}`, capacity, { ...workflow, resources: { ...workflow.resources, [name]: capacity + 1 } }, `tasks wait for resource \`${name}\``);
  }
  // A matrix's maxParallel is on each of its expansions.
  const parallel = new Map<string, number>();
  for (const t of workflow.tasks) if (t.maxParallel !== undefined) parallel.set(t.baseId, t.maxParallel);
  for (const [baseId, max] of parallel) {
    if (!waitedFor.has(`maxParallel:${baseId}`)) continue;
    const tasks = workflow.tasks.map((t) => (t.baseId === baseId && t.maxParallel !== undefined ? { ...t, maxParallel: max + 1 } : t));
    consider(`${baseId}.maxParallel`, max, { ...workflow, tasks }, `expansions of \`${baseId}\` wait for ${max === 1 ? 'its one parallel slot' : `one of its ${max} parallel slots`} in the plan`);
  }
  const limit = workflow.policy.maxConcurrency;
  // The plan's slots are not CPUs: past the machine's, tasks that keep a CPU busy share them and gain nothing.
  const caveat = cpus !== undefined && limit + 1 > cpus ? ` (if its tasks wait on other machines, as agents calling an API do: this machine has ${cpus} CPU${cpus === 1 ? '' : 's'}, which tasks that keep one busy each would share)` : '';
  consider('policy.maxConcurrency', limit, { ...workflow, policy: { ...workflow.policy, maxConcurrency: limit + 1 } }, `ready tasks wait for ${limit === 1 ? 'the one slot' : `one of the ${limit} slots`}`, '', caveat);
  return findings;
}

/** A task that always succeeded, whose every retry its API refused with a Retry-After: rate-limited (its agent's finding), not flaky. */
const onlyRefused = (t: StatsRow) => t.successRate === 1 && (t.retryAfter?.attempts ?? 0) >= Math.round((t.retriesPerRun ?? 0) * t.runs);

/** Failing and flaky tasks, tasks slowing down over runs, and budget hogs, from history. */
function historyFindings(tasks: StatsRow[]): Finding[] {
  const findings: Finding[] = [];
  // A run is of one workflow: its tasks' costs, and how many of them cost anything, by workflow.
  const costs = new Map<string, { total: number; costing: number }>();
  for (const t of tasks) {
    const of = costs.get(t.workflow) ?? { total: 0, costing: 0 };
    costs.set(t.workflow, { total: of.total + (t.costPerRun ?? 0), costing: of.costing + ((t.costPerRun ?? 0) > 0 ? 1 : 0) });
  }
  for (const t of tasks) {
    // Failing every time is no intermittent fault: a broken task, not a flaky one.
    if (t.runs >= 2 && t.successRate === 0 && !t.samples.length) {
      findings.push({
        kind: 'failing',
        severity: 'high',
        subject: t.name,
        workflow: t.workflow,
        reason: `\`${t.name}\` failed in every one of its ${t.runs} runs`,
        suggestion: `it fails every time, so a retry will not help: see why in its log (orchestrate logs --task ${t.name})`,
      });
    } else if (t.runs >= 2 && ((t.retriesPerRun ?? 0) >= 0.2 || (t.successRate ?? 1) < 0.9) && !onlyRefused(t)) {
      findings.push({
        kind: 'flaky',
        severity: (t.retriesPerRun ?? 0) >= 0.5 || (t.successRate ?? 1) < 0.75 ? 'high' : 'medium',
        subject: t.name,
        workflow: t.workflow,
        // Failing some runs without a retry is flaky too; "needed 0 retries" would say otherwise.
        reason: t.retriesPerRun
          ? `\`${t.name}\` needed ${t.retriesPerRun} ${t.retriesPerRun === 1 ? 'retry' : 'retries'} per run and succeeded in ${pct(t.successRate ?? 0)} of ${t.runs} runs`
          : `\`${t.name}\` succeeded in ${pct(t.successRate ?? 0)} of ${t.runs} runs, with no retries`,
        suggestion: `find why \`${t.name}\` fails intermittently; every ${t.retriesPerRun ? 'retry' : 'failure'} costs time and money`,
      });
    }
    if (t.samples.length >= 4) {
      const third = Math.max(1, Math.floor(t.samples.length / 3));
      const first = t.samples.slice(0, third).reduce((a, b) => a + b, 0) / third;
      const last = t.samples.slice(-third).reduce((a, b) => a + b, 0) / third;
      const growth = first > 0 ? (last - first) / first : 0;
      if (growth >= 0.2 && last - first >= NOISE_SECONDS) {
        findings.push({
          kind: 'slowing',
          severity: growth >= 1 ? 'high' : growth >= 0.5 ? 'medium' : 'low',
          subject: t.name,
          workflow: t.workflow,
          reason: `\`${t.name}\` grew from ${fmt(first)} to ${fmt(last)} (+${pct(growth)}) over its last ${t.samples.length} successful runs`,
          suggestion: `look for growing inputs, caches or logs behind \`${t.name}\``,
        });
      }
    }
    const { total: totalCost, costing } = costs.get(t.workflow)!;
    const share = totalCost > 0 ? (t.costPerRun ?? 0) / totalCost : 0;
    // A hog stands out: a third of the bill, and half again its even share of it (two tasks of equal cost are none).
    if (share >= 0.3 && share >= 1.5 / costing) {
      findings.push({
        kind: 'budget-hog',
        severity: share >= 0.6 ? 'high' : 'medium',
        subject: t.name,
        workflow: t.workflow,
        reason: `\`${t.name}\` is ${pct(share)} of the cost of a run (${t.costPerRun} of ${Math.round(totalCost * 1000) / 1000})`,
        suggestion: `a cheaper agent, a smaller prompt or fewer attempts for \`${t.name}\` would cut the bill most`,
      });
    }
  }
  return findings;
}

/**
 * Agents whose API refused attempts with a Retry-After (at least two): a
 * rate limit at its quota makes their tasks wait in the queue instead of
 * spending attempts on refusals.
 */
function retryAfterFindings(agents: StatsRow[], workflow?: Workflow): Finding[] {
  return agents.flatMap((a) => {
    const refused = a.retryAfter?.attempts ?? 0;
    if (refused < 2) return [];
    const attempts = attemptsOf(a);
    const limit = workflow?.agents[a.name]?.rateLimit;
    const instead = 'its tasks then wait in the queue instead of spending attempts on refusals';
    return [{
      kind: 'rate-limited' as const,
      severity: byShare(attempts > 0 ? refused / attempts : 1),
      subject: a.name,
      workflow: a.workflow,
      reason: `the API of \`${a.name}\` refused ${refused} of its ${attempts} attempts with a Retry-After, holding it ${fmt(a.retryAfter!.seconds)} in all`,
      suggestion: limit
        ? `lower \`${a.name}.rateLimit\` (now ${limit.requests} per ${formatWindow(limit.per)}) to what its API allows: ${instead}`
        : `set \`${a.name}.rateLimit\` to its API's quota (\`{ requests: N, per: 1m }\`): ${instead}`,
    }];
  });
}

/**
 * Tasks that hit their timeout (at least two attempts), and, with the
 * workflow, tasks whose successes take 80% of it or more (p95, at least 3):
 * the next slow day cuts them off.
 */
function timeoutFindings(tasks: StatsRow[], workflow?: Workflow): Finding[] {
  return tasks.flatMap((t) => {
    const timeout = taskOf(workflow, t.name)?.timeout;
    const its = timeout !== undefined ? `its timeout (${fmt(timeout)})` : 'its timeout';
    const timedOut = t.timedOut ?? 0;
    if (timedOut >= 2) {
      const attempts = attemptsOf(t);
      return [{
        kind: 'timing-out' as const,
        severity: byShare(attempts > 0 ? timedOut / attempts : 1),
        subject: t.name,
        workflow: t.workflow,
        reason: `\`${t.name}\` hit ${its} in ${timedOut} of its ${attempts} attempts`,
        suggestion: `raise \`${t.name}\`'s timeout if it needs longer, or find why it hangs: orchestrate logs --task ${t.name}`,
      }];
    }
    const p95 = t.duration.p95;
    if (timeout === undefined || p95 === null || t.samples.length < 3 || p95 < 0.8 * timeout) return [];
    return [{
      kind: 'timing-out' as const,
      severity: 'low' as const,
      subject: t.name,
      workflow: t.workflow,
      reason: `\`${t.name}\` takes up to ${fmt(p95)} (p95 of its successes) of ${its}`,
      suggestion: `raise \`${t.name}\`'s timeout before a slower run cuts it off`,
    }];
  });
}

/**
 * With the workflow: tasks whose attempts cost, as recorded (what they
 * reported with `cost=`, else what they declared then), half or twice what
 * they declare, or more (in at least 2 runs). The budget check counts the
 * declared cost until the run's own attempts report more, and so does a
 * plan without this history, so it should say the truth. With `costs` (what
 * a run of each task cost while it declared what it does now: historyCosts),
 * only those runs count: a task that reports nothing and was repriced would
 * otherwise drift from its own old figure.
 */
function costFindings(tasks: StatsRow[], workflow?: Workflow, costs?: ReadonlyMap<string, number>): Finding[] {
  if (!workflow) return [];
  return tasks.flatMap((t) => {
    const task = taskOf(workflow, t.name);
    const perRun = costs ? costs.get(t.name) : t.costPerRun;
    if (!task || t.runs < 2 || perRun === undefined || perRun === null) return [];
    const actual = roundCost(perRun / (1 + (t.retriesPerRun ?? 0)));
    const ratio = task.cost > 0 ? actual / task.cost : actual > 0 ? Infinity : 1;
    if (!farOff(ratio)) return [];
    const budget = workflow.policy.costBudget !== undefined;
    return [{
      kind: 'cost-drift' as const,
      severity: budget && ratio >= 2 ? 'high' as const : byRatio(ratio),
      subject: t.name,
      workflow: t.workflow,
      reason: `\`${t.name}\` cost ${actual} an attempt ${costs ? 'in its recent runs at that declared cost' : `over its ${t.runs} runs`}, as recorded (reported, else declared then), against the ${task.cost} it declares`,
      suggestion: `set the cost of \`${t.name}\`${task.agent !== undefined ? ` (or of its agent \`${task.agent}\`)` : ''} to about ${actual}: ${budget ? 'the budget check counts the declared one, as does a plan' : 'a plan'} without this history (a fresh checkout)${budget ? '' : ' counts the declared one'}`,
    }];
  });
}

/**
 * With the workflow: tasks whose successes take, at the median, twice the
 * estimate written for them (their own or their agent's) or half of it, or
 * further off, and at least 0.5 s away (3 successes or more; a matrix's
 * expansions together). `plan` here goes by the history, but `graph`, and a
 * plan where this history is not (a fresh checkout in CI), by what is written.
 */
function estimateFindings(tasks: StatsRow[], workflow?: Workflow): Finding[] {
  if (!workflow) return [];
  const byBase = new Map<string, { task: TaskSpec; row: StatsRow; durations: number[] }>();
  for (const t of tasks) {
    const task = taskOf(workflow, t.name);
    if (!task || (task.estimateSource !== 'declared' && task.estimateSource !== 'agent')) continue;
    const group = byBase.get(task.baseId) ?? { task, row: t, durations: [] };
    group.durations.push(...t.samples);
    byBase.set(task.baseId, group);
  }
  return [...byBase].flatMap(([baseId, { task, row, durations }]) => {
    if (durations.length < 3) return [];
    const median = percentile(durations, 50);
    const ratio = task.estimate > 0 ? median / task.estimate : Infinity;
    if (!farOff(ratio) || Math.abs(median - task.estimate) < 0.5) return [];
    const whose = task.estimateSource === 'agent' ? ` (its agent \`${task.agent}\`'s)` : '';
    return [{
      kind: 'estimate-drift' as const,
      severity: byRatio(ratio),
      subject: baseId,
      workflow: row.workflow,
      reason: `\`${baseId}\` takes ${fmt(median)} (the median of its ${durations.length} successes${task.baseId !== task.id ? ', its expansions together' : ''}) against the ${fmt(task.estimate)} written for it${whose}`,
      suggestion: `set the estimate of \`${baseId}\`${task.estimateSource === 'agent' ? ` (or of its agent \`${task.agent}\`)` : ''} to about ${fmt(median)}: \`graph\`, and a plan without this history (a fresh checkout in CI), go by the written one`,
    }];
  });
}

const ORDER: Record<FindingSeverity, number> = { high: 0, medium: 1, low: 2 };

/**
 * The bottleneck report: each finding with a severity, a reason in numbers
 * and a suggestion. Plan-based findings need the workflow; history-based ones
 * the stats of its tasks and agents. `cpus`: this machine's, which a
 * suggestion to raise maxConcurrency past them says; `costs`: what runs of
 * each task cost at its declared cost now (historyCosts), for cost drift.
 */
export function findBottlenecks(input: { workflow?: Workflow; history?: ReadonlyMap<string, number>; retryTimes?: ReadonlyMap<string, number>; expansions?: PlanOptions['expansions']; costs?: ReadonlyMap<string, number>; tasks: StatsRow[]; agents: StatsRow[]; cpus?: number }): Finding[] {
  const findings: Finding[] = [];
  if (input.workflow) {
    // Planned as `plan` does: estimates and retry times from history, a matrix from outputs as the expansions it last had.
    const estimates = { history: input.history ?? new Map<string, number>(), retryTimes: input.retryTimes, expansions: input.expansions };
    const plan = planWorkflow(input.workflow, estimates);
    findings.push(...criticalPathFindings(plan), ...limitFindings(input.workflow, plan, estimates, input.agents, input.cpus));
  }
  const fromHistory = [...historyFindings(input.tasks), ...retryAfterFindings(input.agents, input.workflow), ...timeoutFindings(input.tasks, input.workflow), ...costFindings(input.tasks, input.workflow, input.costs), ...estimateFindings(input.tasks, input.workflow)];
  // Names are a workflow's own: with rows of several, each finding says whose it is.
  const several = new Set([...input.tasks, ...input.agents].map((r) => r.workflow)).size > 1;
  findings.push(...(several ? fromHistory : fromHistory.map(({ workflow: _workflow, ...finding }) => finding)));
  return findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}
