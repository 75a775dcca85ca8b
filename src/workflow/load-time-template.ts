import { suggestion } from '../util/suggest.js';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import type { InputValues } from './inputs.js';
import { runnerValue, RUNNER_KEYS } from './runner-context.js';
import { parseTemplate, renderTemplate, type KeyedRef, type TemplateRef } from './templates.js';
import { ownValue } from '../util/own-value.js';

/** What a reference may be wrong with (a syntax problem has no reference). */
type TemplateProblem =
  | { kind: 'syntax'; message: string; text: string }
  | { kind: 'unknown-input' | 'unknown-runner'; ref: KeyedRef }
  | { kind: 'run-time'; ref: TemplateRef };

/**
 * A text filled when the workflow loads (an include's `with` value, an
 * exclusive group): the inputs it reads, and what is wrong with it — its
 * syntax, an input not among `declared`, an unknown runner key, anything
 * known only at run time (outputs, env, matrix, params).
 */
function checkLoadTime(text: string, declared: readonly string[]): { inputs: string[]; problems: TemplateProblem[] } {
  const parsed = parseTemplate(text);
  const problems: TemplateProblem[] = parsed.errors.map((e) => ({ kind: 'syntax', message: e.message, text: e.text }));
  for (const ref of parsed.refs) {
    if (ref.kind === 'inputs' && !declared.includes(ref.key)) problems.push({ kind: 'unknown-input', ref });
    else if (ref.kind === 'runner' && runnerValue(ref.key) === undefined) problems.push({ kind: 'unknown-runner', ref });
    else if (ref.kind !== 'inputs' && ref.kind !== 'runner') problems.push({ kind: 'run-time', ref });
  }
  const inputs = [...new Set(parsed.refs.filter((r) => r.kind === 'inputs').map((r) => r.key))].sort();
  return { inputs, problems };
}

/**
 * What is wrong with a load-time text (`checkLoadTime`), as diagnostics at `path`: `where` names it
 * in the messages, and `late` says why a reference known only at run time cannot be there.
 */
export function loadTimeDiagnostics(text: string, declared: readonly string[], where: string, path: DocPath, late: (ref: TemplateRef) => Diagnostic): { inputs: string[]; diagnostics: Diagnostic[] } {
  const checked = checkLoadTime(text, declared);
  const diagnostics = checked.problems.map((p): Diagnostic => {
    switch (p.kind) {
      case 'syntax':
        return { ...error('bad-template', `${where}: ${p.message}`, path), find: p.text };
      case 'unknown-input':
        return unknownInput(declared, p.ref, where, path);
      case 'unknown-runner':
        return unknownRunner(p.ref, where, path);
      default:
        return { ...late(p.ref), find: p.ref.text };
    }
  });
  return { inputs: checked.inputs, diagnostics };
}

/** A load-time text with the runner's values and, when `values` are given, the inputs' filled in. */
export function fillLoadTime(text: string, values?: InputValues): string {
  return renderTemplate(text, (ref) => (ref.kind === 'runner' ? runnerValue(ref.key) : ref.kind === 'inputs' && values ? ownValue(values, ref.key) : undefined));
}

/** An `inputs.NAME` that is not among `declared` (by `where`, at `path`), with a "did you mean" or the inputs there are. */
export function unknownInput(declared: readonly string[], ref: KeyedRef, where: string, path: DocPath): Diagnostic {
  const known = suggestion(ref.key, declared) || (declared.length ? ` (inputs: ${declared.join(', ')})` : ': declare it under `inputs`');
  return { ...error('unknown-reference', `${where} uses ${ref.text}, but the workflow has no input "${ref.key}"${known}`, path), find: ref.text };
}

/** A `runner.KEY` the runner context does not have. */
export function unknownRunner(ref: KeyedRef, where: string, path: DocPath): Diagnostic {
  return { ...error('unknown-reference', `${where} uses ${ref.text}, but the runner context has ${RUNNER_KEYS.join(', ')}`, path), find: ref.text };
}
