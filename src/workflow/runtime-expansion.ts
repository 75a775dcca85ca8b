import type { Expansion } from './expand-matrix.js';
import type { MatrixValue, TaskSpec } from './model.js';
import { renderTemplate } from './templates.js';
import { renderParams } from './param-texts.js';

type Fields = Pick<TaskSpec, 'command' | 'prompt' | 'artifacts' | 'sources' | 'cwd' | 'env' | 'params'>;

/**
 * One expansion of a matrix known only at run time: the group task with
 * its `${{ matrix.K }}` templates filled from the expansion's values (the
 * other templates were filled at load time, or are filled when it starts).
 */
export function expandedTask(group: TaskSpec, expansion: Expansion & { values: Record<string, MatrixValue> }): TaskSpec {
  const values = expansion.values;
  const fill = (text: string) => renderTemplate(text, (ref) => (ref.kind !== 'matrix' ? undefined : Object.hasOwn(values, ref.key) ? String(values[ref.key]) : ''));
  const fields = (f: Fields): Fields => ({
    command: fill(f.command),
    prompt: f.prompt === undefined ? undefined : fill(f.prompt),
    artifacts: f.artifacts.map(fill),
    sources: f.sources.map(fill),
    cwd: fill(f.cwd),
    env: Object.fromEntries(Object.entries(f.env).map(([k, v]) => [k, fill(v)])),
    params: renderParams(f.params, fill),
  });
  const { dynamicMatrix: _, ...task } = group;
  return {
    ...task,
    id: expansion.id,
    matrix: values,
    ...fields(group),
    needs: [...group.needs],
    ...(group.approval ? { approval: fill(group.approval) } : {}),
    ...(group.unfilled ? { unfilled: fields(group.unfilled) } : {}),
  };
}
