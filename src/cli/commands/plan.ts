import { EXIT } from '../../errors.js';
import { planWorkflow, type Plan } from '../../plan/plan.js';
import type { Workflow } from '../../workflow/model.js';
import { useColor } from '../../report/colors.js';
import { formatPlan } from '../../report/plan-text.js';
import { withCommands } from '../../report/plan-commands.js';
import { formatDot, formatGraphJson, formatMermaid } from '../../report/graph-formats.js';
import { loadValidWorkflow } from '../load-valid.js';
import { keptParses } from '../kept-parses.js';
import { parseInputArguments } from '../../workflow/inputs.js';
import { writeOut } from '../output.js';
import { workflowMasker } from '../../telemetry/mask.js';
import { byId, idsOf, workflowHistory } from '../history-store.js';
import { selectedExpansions, selectedIds, selectedPart } from '../task-selection.js';

export interface PlanCommandOptions {
  concurrency?: number;
  input?: string[];
  json?: boolean;
  config?: string;
  state?: string;
  only?: string;
  /** Task words after the file: as --only. */
  tasks?: string[];
  /** Show what each task runs. */
  commands?: boolean;
  /** A git ref: only the tasks a change since it touches. */
  since?: string;
  /** Seconds: a deadline for the run, over policy.timeout (as run --timeout). */
  timeout?: number;
  /** The most the run may spend, over policy.costBudget (as run --budget). */
  budget?: number;
}

/** `orchestrate plan`: the dry run. */
export async function planCommand(file: string, options: PlanCommandOptions): Promise<number> {
  // Estimates do not depend on input values: a plan needs none, but what is given must fit.
  // It reads what runs kept of the file parsed (keptParses), and keeps nothing itself.
  const workflow = await loadValidWorkflow(file, options.config, { inputs: parseInputArguments(options.input), parseCache: keptParses(file) });
  if (options.timeout !== undefined) workflow.policy = { ...workflow.policy, timeout: options.timeout };
  if (options.budget !== undefined) workflow.policy = { ...workflow.policy, costBudget: options.budget };
  const { estimates, failed, retryTimes, costs, upToDate, stale, memoized, expansions } = await workflowHistory(workflow, options.state, false, {});
  const ids = await selectedIds(workflow, options.only, options.tasks, options.since);
  const plan = planWorkflow(selectedPart(workflow, ids), { concurrency: options.concurrency, history: estimates, fromFailures: failed, retryTimes, costs, upToDate: idsOf(workflow, upToDate), stale: byId(workflow, stale), memoized: idsOf(workflow, memoized), expansions: selectedExpansions(workflow, ids, expansions) });
  await printPlan(workflow, options.commands ? withCommands(plan, workflow) : plan, options.json);
  return EXIT.ok;
}

/** Prints a plan as JSON or text (plan, run --dry-run), masked: ids hold matrix values, which may be a secret's, as a run shows them. */
export async function printPlan(workflow: Workflow, plan: Plan, json?: boolean): Promise<void> {
  const shown = workflowMasker(workflow).maskDeep(plan);
  await writeOut(json ? `${JSON.stringify(shown, null, 2)}\n` : formatPlan(shown, { color: useColor(process.stdout), width: process.stdout.isTTY ? process.stdout.columns : undefined }));
}

export interface GraphCommandOptions {
  format: 'mermaid' | 'dot' | 'json';
  config?: string;
}

/** `orchestrate graph`: the dependency graph with the critical path highlighted. */
export async function graphCommand(file: string, options: GraphCommandOptions): Promise<number> {
  const workflow = await loadValidWorkflow(file, options.config, { parseCache: keptParses(file) });
  const plan = workflowMasker(workflow).maskDeep(planWorkflow(workflow));
  const text = options.format === 'dot' ? formatDot(plan) : options.format === 'json' ? formatGraphJson(plan) : formatMermaid(plan);
  await writeOut(text);
  return EXIT.ok;
}
