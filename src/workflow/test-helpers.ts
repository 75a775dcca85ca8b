import { loadWorkflowText, type LoadResult } from './load.js';
import type { ConfigFile } from './schema-types.js';

/** Loads YAML text as `/project/workflow.yaml` (tests only). */
export function load(text: string, config: ConfigFile = {}): LoadResult {
  return loadWorkflowText(text, '/project/workflow.yaml', { config });
}

/** `code@line:col` of every diagnostic, for compact assertions (tests only). */
export function codes(text: string, config: ConfigFile = {}): string[] {
  return load(text, config).diagnostics.map((d) => `${d.code}@${d.position?.line}:${d.position?.column}`);
}

/** The message of every diagnostic, in order (tests only). */
export function messages(text: string, config: ConfigFile = {}): string[] {
  return load(text, config).diagnostics.map((d) => d.message);
}
