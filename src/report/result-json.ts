import type { RunResult } from '../run/result.js';

/** Stands for the tasks in the result's JSON text while the rest is written. */
const TASKS_MARK = '\u0000tasks\u0000';

/**
 * The result object as `JSON.stringify(result, null, 2)` writes it, plus a
 * final newline, in pieces of one task each: a run of many tasks with large
 * outputs and summaries (1 MB each at most) makes a text longer than a
 * JavaScript string may be (~512 MB), which one call could not build.
 */
export function* resultJson(result: RunResult): Generator<string> {
  if (!result.tasks.length) {
    yield `${JSON.stringify(result, null, 2)}\n`;
    return;
  }
  const outline = JSON.stringify({ ...result, tasks: [TASKS_MARK] }, null, 2);
  const mark = `    ${JSON.stringify(TASKS_MARK)}`;
  const at = outline.indexOf(mark);
  yield outline.slice(0, at);
  for (const [i, task] of result.tasks.entries()) {
    // An element of `tasks` sits two levels deep: each of its lines is indented four spaces more.
    yield `${i ? ',\n' : ''}    ${JSON.stringify(task, null, 2).replace(/\n/g, '\n    ')}`;
  }
  yield `${outline.slice(at + mark.length)}\n`;
}
