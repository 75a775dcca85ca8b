import type { TaskSpec } from '../workflow/model.js';
import { outputProblems } from '../workflow/output-schema.js';
import { findArtifacts } from './artifacts.js';
import type { AttemptResult } from './attempt.js';

/**
 * An attempt that exited 0 has done its job only when its artifacts exist
 * and its outputs match their schemas (an LLM's JSON that lost a field);
 * otherwise it failed as `invalid`, and is retried like any failure. Also
 * gives the artifacts found, for a successful exit.
 */
export function checkAttempt(task: TaskSpec, result: AttemptResult): { outcome: AttemptResult; artifacts?: string[] } {
  if (!result.ok) return { outcome: result };
  const { produced, missing } = findArtifacts(task.artifacts, result.artifacts ?? [], task.cwd);
  if (missing.length) return { outcome: { ...result, ok: false, kind: 'invalid', message: `artifact${missing.length > 1 ? 's' : ''} not created: ${missing.join(', ')}` }, artifacts: produced };
  const problems = task.outputSchema ? outputProblems(task.outputSchema, result.outputs) : undefined;
  return { outcome: problems ? { ...result, ok: false, kind: 'invalid', message: problems } : result, artifacts: produced };
}
