import { parseCondition } from './condition.js';
import type { DocPath } from './diagnostics.js';
import type { TaskSpec } from './model.js';
import { renderParams } from './param-texts.js';

/** How an `include` entry gave the included file's inputs their values. */
export interface InputBinding {
  /** The included file's input values (its tasks' `when` reads them). */
  values: Record<string, string>;
  /** For one of its inputs: the including workflow's inputs its value reads, and how it got it (`target=staging`). */
  bind(name: string): { uses: string[]; text: string };
}

/**
 * A task of an included workflow as the including one sees it: its id, its
 * needs and its references to other tasks' outputs (`${{ tasks.build... }}`,
 * in templates, conditions and matrices from outputs) under the namespace
 * (`docs.build`); the inputs it uses are the including workflow's that its
 * entry's `with` passes on (`binding`), and how they were bound joins its
 * definition; everything else as its own file made it. `path` is where
 * the including file names it (its `include` entry), for problems found later.
 */
export function namespacedTask(task: TaskSpec, ns: string, path: DocPath, binding: InputBinding): TaskSpec {
  const id = (name: string) => `${ns}.${name}`;
  const text = (value: string) => namespaceTemplates(value, ns);
  const fields = <T extends Partial<Pick<TaskSpec, 'command' | 'prompt' | 'artifacts' | 'sources' | 'cwd' | 'env' | 'params'>>>(f: T): T => ({
    ...f,
    ...(f.command !== undefined ? { command: text(f.command) } : {}),
    ...(f.prompt !== undefined ? { prompt: text(f.prompt) } : {}),
    ...(f.artifacts ? { artifacts: f.artifacts.map(text) } : {}),
    ...(f.sources ? { sources: f.sources.map(text) } : {}),
    ...(f.cwd !== undefined ? { cwd: text(f.cwd) } : {}),
    ...(f.env ? { env: Object.fromEntries(Object.entries(f.env).map(([k, v]) => [k, text(v)])) } : {}),
    ...(f.params ? { params: renderParams(f.params, text) } : {}),
  });
  const when = task.when && namespaceExpression(task.when.source, ns);
  const bound = (task.inputsUsed ?? []).map((name) => binding.bind(name));
  const uses = [...new Set(bound.flatMap((b) => b.uses))].sort();
  const bindings = [...(task.inputBindings ?? []), ...bound.map((b) => b.text)];
  const { inputsUsed: _, ...rest } = task;
  return {
    ...fields(rest),
    id: id(task.id),
    baseId: id(task.baseId),
    path,
    includedFrom: task.includedFrom === undefined ? ns : `${ns}.${task.includedFrom}`,
    // The innermost file's values: the file whose `when` this is.
    inputValues: task.inputValues ?? binding.values,
    ...(uses.length ? { inputsUsed: uses } : {}),
    ...(bindings.length ? { inputBindings: bindings } : {}),
    needs: task.needs.map(id),
    ...(task.approval ? { approval: text(task.approval) } : {}),
    ...(when !== undefined ? { when: { source: when, condition: parseCondition(when).condition! } } : {}),
    ...(task.dynamicMatrix ? { dynamicMatrix: Object.fromEntries(Object.entries(task.dynamicMatrix).map(([k, v]) => [k, typeof v === 'string' ? text(v) : v])) } : {}),
    ...(task.unfilled ? { unfilled: fields(task.unfilled) } : {}),
  };
}

/** `text` with the task references inside its `${{ }}` templates put under the namespace; the text around them as it is. */
export function namespaceTemplates(text: string, ns: string): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inside: string) => `\${{${namespaceExpression(inside, ns)}}}`);
}

/** An expression (a condition, a template's inside) with `tasks.ID` read as `tasks.NS.ID`, except inside quoted text. */
export function namespaceExpression(expression: string, ns: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (expression.startsWith('tasks.', i) && (i === 0 || !/[A-Za-z0-9_.-]/.test(expression[i - 1]!))) {
      out += `tasks.${ns}.`;
      i += 'tasks.'.length - 1;
      continue;
    }
    out += c;
  }
  return out;
}
