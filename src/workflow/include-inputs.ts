import { suggestion } from '../util/suggest.js';
import { error, type Diagnostic, type DocPath } from './diagnostics.js';
import { valueProblem, type InputValues } from './inputs.js';
import type { InputBinding } from './namespace.js';
import { fillLoadTime, loadTimeDiagnostics } from './load-time-template.js';
import type { Include, Input } from './schema-types.js';

/** What an include entry's `with` says, read against the including workflow's inputs. */
export interface WithValues {
  /** The values known now, rendered: the included file is loaded with them. A value that reads an input of the including workflow without one yet (lint and plan need none) is not among them, and is not checked. */
  given: InputValues;
  /** Each name given (rightly or not: it is not missing), its text with the including workflow's inputs left as templates (runner values filled in), and those inputs. */
  sources: Map<string, { text: string; uses: string[] }>;
  diagnostics: Diagnostic[];
}

type WithMap = Exclude<Include, string>['with'];

/**
 * Reads an include entry's `with` (at `at`): each value is text that may pass
 * on the including workflow's inputs (`${{ inputs.NAME }}`, `declared`, with
 * `values` where they have them) and the machine's `${{ runner.KEY }}`, both
 * known when the workflow loads; anything else is a problem at its key.
 */
export function readWith(entries: WithMap, declared: Record<string, Input>, values: InputValues, at: DocPath): WithValues {
  const out: WithValues = { given: Object.create(null) as InputValues, sources: new Map(), diagnostics: [] };
  const names = Object.keys(declared);
  for (const [name, value] of Object.entries(entries ?? {})) {
    const path = [...at, 'with', name];
    const where = `with.${name}`;
    const text = String(value);
    const checked = loadTimeDiagnostics(text, names, where, path, (ref) =>
      error('bad-include', `${where} uses ${ref.text}, but a value of \`with\` is known when the workflow loads: it can read \${{ inputs.NAME }} and \${{ runner.KEY }} only`, path));
    const problems = checked.diagnostics;
    if (problems.length) {
      // Given, if wrongly: not missing too.
      out.diagnostics.push(...problems);
      out.sources.set(name, { text, uses: [] });
      continue;
    }
    const uses = checked.inputs;
    out.sources.set(name, { text: fillLoadTime(text), uses });
    if (uses.every((input) => Object.hasOwn(values, input))) out.given[name] = fillLoadTime(text, values);
  }
  return out;
}

/**
 * Checks what `with` gave against the inputs the included file (`path`, as
 * the entry wrote it) declares — a name it lacks, a value that does not fit,
 * an input without a default left out — and how its tasks' inputs got their
 * values (`values`: the included file's own), for namespacing them.
 * `looksSecret`: whether an input's name looks secret, its value then masked in a problem.
 */
export function bindInputs(read: WithValues, declared: Record<string, Input>, values: InputValues, path: string, at: DocPath, looksSecret: (name: string) => boolean): { diagnostics: Diagnostic[]; binding: InputBinding } {
  const diagnostics: Diagnostic[] = [];
  const names = Object.keys(declared);
  for (const name of read.sources.keys()) {
    const where = [...at, 'with', name];
    if (!Object.hasOwn(declared, name)) {
      diagnostics.push(error('bad-include', `"${path}" has no input "${name}"${suggestion(name, names) || (names.length ? ` (inputs: ${names.join(', ')})` : ': it declares no inputs')}`, where, true));
      continue;
    }
    const problem = Object.hasOwn(read.given, name) ? valueProblem(name, declared[name]!, read.given[name]!, looksSecret(name)) : undefined;
    if (problem) diagnostics.push(error('bad-include', `${problem} (given to "${path}")`, where));
  }
  const missing = Object.entries(declared).filter(([name, input]) => input.default === undefined && !read.sources.has(name));
  for (const [name, input] of missing) {
    diagnostics.push(error('bad-include', `"${path}" needs input "${name}"${input.description ? ` (${input.description})` : ''}: give it under \`with\``, at, true));
  }
  const binding: InputBinding = {
    values,
    bind: (name) => {
      const source = read.sources.get(name);
      return source ? { uses: source.uses, text: `${name}=${source.text}` } : { uses: [], text: `${name}=default:${JSON.stringify(declared[name]?.default ?? null)}` };
    },
  };
  return { diagnostics, binding };
}
