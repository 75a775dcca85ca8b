import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { formatPath } from './schema-errors.js';
import { isMapping } from '../util/is-mapping.js';

/** JSON Schema keywords whose value is never a mapping, so never an output's schema. */
const SCALAR_KEYWORDS = new Set(['$schema', '$id', '$ref', 'type', 'required', 'enum', 'const', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'title', 'description']);

/** The JSON Schema keywords of a mapping that hold what no output's schema is (`type: object`), or none. */
function schemaKeywords(value: Record<string, unknown>): string[] {
  const keys = Object.keys(value);
  if (!keys.some((key) => SCALAR_KEYWORDS.has(key) && !isMapping(value[key]))) return [];
  return keys.filter((key) => SCALAR_KEYWORDS.has(key) || key === 'properties' || key === 'items');
}

/** The error for the `outputSchema` of `holder` (an agent or task at `at`) written as one schema; `outputKey`: its agent's `captureStdout`. */
function unkeyed(holder: unknown, at: DocPath, outputKey: string | undefined): Diagnostic[] {
  if (!isMapping(holder) || !isMapping(holder.outputSchema)) return [];
  const keywords = schemaKeywords(holder.outputSchema);
  if (!keywords.length) return [];
  const key = typeof holder.captureStdout === 'string' ? holder.captureStdout : outputKey ?? 'KEY';
  return [error('bad-output-schema', `${formatPath([...at, 'outputSchema'])} is one JSON Schema (it has ${keywords.join(', ')}), but it maps each output key to the schema of that output: nest it under the output it checks, outputSchema: { ${key}: { ${keywords.slice(0, 2).map((k) => `${k}: ...`).join(', ')} } }`, [...at, 'outputSchema'], true)];
}

/**
 * `bad-output-schema` for each `outputSchema` of `agents` and `tasks` written
 * as one JSON Schema (`{ type: object, required: [verdict] }`) rather than by
 * output key, as a structured-output API takes it: the schema errors its
 * keywords raise, "type must be a mapping", say nothing of the mistake.
 */
export function unkeyedOutputSchemas(value: unknown): Diagnostic[] {
  if (!isMapping(value)) return [];
  const agents = isMapping(value.agents) ? value.agents : {};
  const tasks = isMapping(value.tasks) ? value.tasks : {};
  const agentKey = (name: unknown) => {
    const agent = typeof name === 'string' ? agents[name] : undefined;
    return isMapping(agent) && typeof agent.captureStdout === 'string' ? agent.captureStdout : undefined;
  };
  return [
    ...Object.entries(agents).flatMap(([name, agent]) => unkeyed(agent, ['agents', name], undefined)),
    ...Object.entries(tasks).flatMap(([id, task]) => unkeyed(task, ['tasks', id], agentKey(isMapping(task) ? task.agent : undefined))),
  ];
}

/** The diagnostics of `schemaErrors` not about what lies inside an outputSchema `unkeyed` reports. */
export function withoutInside(schemaErrors: Diagnostic[], unkeyed: readonly Diagnostic[]): Diagnostic[] {
  const inside = (d: Diagnostic, outer: Diagnostic) => outer.path!.every((part, i) => d.path?.[i] === part);
  return schemaErrors.filter((d) => !unkeyed.some((outer) => inside(d, outer)));
}
