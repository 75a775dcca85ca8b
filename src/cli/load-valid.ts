import { EXIT, OrchestrateError, UsageError } from '../errors.js';
import type { InputValues } from '../workflow/inputs.js';
import { useColor } from '../report/colors.js';
import { formatStylish } from '../report/lint-stylish.js';
import { hasErrors } from '../workflow/diagnostics.js';
import { includedFiles } from '../workflow/include.js';
import { loadWorkflowFile } from '../workflow/load.js';
import type { Workflow } from '../workflow/model.js';
import type { ParseCache } from '../workflow/parse-cache.js';
import { relative } from 'node:path';

/** A workflow with errors: its lint report is the message; exit 2. */
export class InvalidWorkflowError extends OrchestrateError {
  constructor(readonly report: string) {
    super('invalid-workflow', report, EXIT.usage);
  }
}

/**
 * Loads a workflow for plan/run/graph: with errors, throws the exact lint
 * report (exit 2); warnings are not shown here (lint shows them). Input
 * values given (`--input`) must be declared and fit, and with `requireInputs`
 * (a real run) every input must have one, or it is a usage error (exit 2).
 */
export async function loadValidWorkflow(file: string, configPath?: string, options: { inputs?: InputValues; requireInputs?: boolean; previousInputs?: InputValues; parseCache?: ParseCache } = {}): Promise<Workflow> {
  const result = await loadWorkflowFile(file, { configPath, ...options });
  const shown = relative(process.cwd(), result.file);
  if (!hasErrors(result.diagnostics) && result.workflow) {
    if (result.inputProblems?.length) throw new UsageError(`${shown.startsWith('..') ? result.file : shown}: ${result.inputProblems.join('; ')}`);
    return result.workflow;
  }
  // The files it includes that have errors come with it, each under its own name.
  const files = [result, ...includedFiles(result).filter((r) => hasErrors(r.diagnostics))].map((r) => {
    const name = relative(process.cwd(), r.file);
    return { file: name.startsWith('..') ? r.file : name, diagnostics: r.diagnostics, source: r.source };
  });
  const all = files.flatMap((f) => f.diagnostics);
  const errorCount = all.filter((d) => d.severity === 'error').length;
  const report = formatStylish({ files, ioErrors: [], skipped: [], errorCount, warningCount: all.length - errorCount }, { color: useColor(process.stderr) });
  throw new InvalidWorkflowError(report);
}
