import { EXIT, OrchestrateError } from '../errors.js';
import { useColor } from '../report/colors.js';
import { formatStylish } from '../report/lint-stylish.js';
import { hasErrors } from '../workflow/diagnostics.js';
import { loadWorkflowFile } from '../workflow/load.js';
import type { Workflow } from '../workflow/model.js';
import { relative } from 'node:path';

/** A workflow with errors: its lint report is the message; exit 2. */
export class InvalidWorkflowError extends OrchestrateError {
  constructor(readonly report: string) {
    super('invalid-workflow', report, EXIT.usage);
  }
}

/**
 * Loads a workflow for plan/run/graph: with errors, throws the exact lint
 * report (exit 2); warnings are not shown here (lint shows them).
 */
export async function loadValidWorkflow(file: string, configPath?: string): Promise<Workflow> {
  const result = await loadWorkflowFile(file, { configPath });
  if (!hasErrors(result.diagnostics) && result.workflow) return result.workflow;
  const shown = relative(process.cwd(), result.file);
  const diagnostics = result.diagnostics;
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
  const report = formatStylish({
    files: [{ file: shown.startsWith('..') ? result.file : shown, diagnostics, source: result.source }],
    ioErrors: [],
    errorCount,
    warningCount: diagnostics.length - errorCount,
  }, { color: useColor(process.stderr) });
  throw new InvalidWorkflowError(report);
}
