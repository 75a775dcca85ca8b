import { relative } from 'node:path';
import { EXIT } from '../../errors.js';
import { colors, useColor } from '../../report/colors.js';
import { formatTaskList, taskList } from '../../report/task-list.js';
import { workflowMasker } from '../../telemetry/mask.js';
import { loadValidWorkflow } from '../load-valid.js';
import { keptParses } from '../kept-parses.js';
import { writeOut } from '../output.js';

export interface ListCommandOptions {
  json?: boolean;
  config?: string;
}

/** `orchestrate list`: the tasks a workflow offers (with descriptions) and the inputs it takes. */
export async function listCommand(file: string, options: ListCommandOptions): Promise<number> {
  const workflow = await loadValidWorkflow(file, options.config, { parseCache: keptParses(file) });
  // Expanded ids hold matrix values, which may be a secret's.
  const list = workflowMasker(workflow).maskDeep(taskList(workflow));
  const shown = relative(process.cwd(), workflow.file);
  await writeOut(options.json ? `${JSON.stringify(list, null, 2)}\n` : formatTaskList(list, shown.startsWith('..') ? workflow.file : shown, colors(useColor(process.stdout))));
  return EXIT.ok;
}
