import { EXIT } from '../../errors.js';
import { planWorkflow } from '../../plan/plan.js';
import { useColor } from '../../report/colors.js';
import { formatPlan } from '../../report/plan-text.js';
import { formatDot, formatGraphJson, formatMermaid } from '../../report/graph-formats.js';
import { loadValidWorkflow } from '../load-valid.js';
import { parseInputArguments } from '../../workflow/inputs.js';
import { writeOut } from '../output.js';
import { idsOf, workflowHistory } from '../history-store.js';
import { selectedIds, selectedPart } from '../task-selection.js';

export interface PlanCommandOptions {
  concurrency?: number;
  input?: string[];
  json?: boolean;
  config?: string;
  state?: string;
  only?: string;
  /** Task words after the file: as --only. */
  tasks?: string[];
}

/** `orchestrate plan`: the dry run. */
export async function planCommand(file: string, options: PlanCommandOptions): Promise<number> {
  // Estimates do not depend on input values: a plan needs none, but what is given must fit.
  const workflow = await loadValidWorkflow(file, options.config, { inputs: parseInputArguments(options.input) });
  const { estimates, upToDate } = await workflowHistory(workflow, options.state, false, {});
  const plan = planWorkflow(selectedPart(workflow, selectedIds(workflow, options.only, options.tasks)), { concurrency: options.concurrency, history: estimates, upToDate: idsOf(workflow, upToDate) });
  await writeOut(options.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, { color: useColor(process.stdout) }));
  return EXIT.ok;
}

export interface GraphCommandOptions {
  format: 'mermaid' | 'dot' | 'json';
  config?: string;
}

/** `orchestrate graph`: the dependency graph with the critical path highlighted. */
export async function graphCommand(file: string, options: GraphCommandOptions): Promise<number> {
  const workflow = await loadValidWorkflow(file, options.config);
  const plan = planWorkflow(workflow);
  const text = options.format === 'dot' ? formatDot(plan) : options.format === 'json' ? formatGraphJson(plan) : formatMermaid(plan);
  await writeOut(text);
  return EXIT.ok;
}
