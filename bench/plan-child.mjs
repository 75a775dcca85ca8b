// Loads and plans one workflow in this process; prints {ms, maxRssMb, tasks, wall}.
import { loadWorkflowFile } from '../dist/workflow/load.js';
import { planWorkflow } from '../dist/plan/plan.js';

const started = performance.now();
const result = await loadWorkflowFile(process.argv[2]);
if (!result.workflow) {
  console.error(JSON.stringify(result.diagnostics.slice(0, 3)));
  process.exit(1);
}
const plan = planWorkflow(result.workflow);
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, tasks: plan.tasks.length, wall: plan.estimate.wall }));
